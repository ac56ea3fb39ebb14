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

// What each remote tile receives is decided with the media session (its viewport reception policy).
export { desiredVideoReception, SPATIAL_LAYER_WIDTHS, spatialLayerFor, type TileViewport } from '@minimeet/media-session';
