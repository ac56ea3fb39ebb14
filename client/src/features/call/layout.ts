/** Pure layout maths for the call grid and for choosing what each remote tile receives. */

export interface GridLayout {
  cols: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
  /** True on narrow screens: one column, the page scrolls. */
  stacked: boolean;
}

/** Below this container width the grid becomes a single scrolling column. */
export const STACK_BELOW_PX = 600;
export const TILE_ASPECT = 16 / 9;

/**
 * The column count that makes `count` tiles of a fixed aspect as large as possible inside
 * `width × height` (gap px between tiles). Works for any count; the product caps rooms at 16.
 */
export function gridLayout(count: number, width: number, height: number, gap = 8, aspect = TILE_ASPECT): GridLayout {
  const n = Math.max(1, count);
  if (width <= 0 || height <= 0) return { cols: 1, rows: n, tileWidth: 0, tileHeight: 0, stacked: false };
  if (width < STACK_BELOW_PX) {
    const tileWidth = width;
    return { cols: 1, rows: n, tileWidth, tileHeight: Math.floor(tileWidth / aspect), stacked: true };
  }
  let best: GridLayout = { cols: 1, rows: n, tileWidth: 0, tileHeight: 0, stacked: false };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const cellW = (width - gap * (cols - 1)) / cols;
    const cellH = (height - gap * (rows - 1)) / rows;
    if (cellW <= 0 || cellH <= 0) continue;
    const tileWidth = Math.min(cellW, cellH * aspect);
    if (tileWidth > best.tileWidth + 0.5) {
      best = { cols, rows, tileWidth: Math.floor(tileWidth), tileHeight: Math.floor(tileWidth / aspect), stacked: false };
    }
  }
  return best;
}

/** Simulcast spatial layers the client publishes: 320×180, 640×360, 1280×720. */
export const SPATIAL_LAYER_WIDTHS = [320, 640, 1280] as const;

/**
 * The lowest spatial layer whose width covers the tile on screen (device pixels), so small tiles
 * receive the small layer and a large or spotlighted tile the full one.
 */
export function spatialLayerFor(tileCssWidth: number, devicePixelRatio = 1): number {
  const px = tileCssWidth * Math.min(Math.max(devicePixelRatio, 1), 2);
  for (let i = 0; i < SPATIAL_LAYER_WIDTHS.length; i++) {
    if (px <= SPATIAL_LAYER_WIDTHS[i]! * 1.15) return i;
  }
  return SPATIAL_LAYER_WIDTHS.length - 1;
}

export interface TileViewport {
  /** Intersecting the viewport (and the page visible). */
  visible: boolean;
  width: number;
  height: number;
}

/** What a remote video consumer should do for a tile: paused when unseen, else a layer by size. */
export function desiredVideoReception(vp: TileViewport | undefined, dpr = 1): { paused: boolean; spatialLayer: number } {
  if (!vp) return { paused: false, spatialLayer: 0 };
  if (!vp.visible || vp.width < 8) return { paused: true, spatialLayer: 0 };
  return { paused: false, spatialLayer: spatialLayerFor(vp.width, dpr) };
}
