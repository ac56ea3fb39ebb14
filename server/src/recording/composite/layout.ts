/*
 * Where each participant's video goes in the composite frame. Pure geometry: the filter graph
 * builder turns it into ffmpeg filters.
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface CompositeLayout {
  /** The screen-share area; null when nobody shared a screen during the recording. */
  screen: Rect | null;
  /** One cell per participant with video, in the order given. */
  cells: Rect[];
}

export const FRAME_WIDTH = 1280;
export const FRAME_HEIGHT = 720;
/** Participants beyond this many get no cell (still heard): cells stay large enough to see faces. */
export const MAX_VIDEO_CELLS = 16;
/** Width of the camera strip next to a shared screen. */
const STRIP_WIDTH = 320;
const ASPECT = 16 / 9;

/** Even numbers: yuv420p planes need them. */
const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);

/**
 * Splits `area` into `count` equal cells, choosing the number of columns that gives each cell
 * the largest 16:9 picture (a wide area gets more columns, a tall strip more rows).
 */
export function gridCells(count: number, area: Rect): Rect[] {
  if (count <= 0) return [];
  let best = { cols: 1, score: -1 };
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const w = area.w / cols;
    const h = area.h / rows;
    const score = Math.min(w, h * ASPECT);
    if (score > best.score) best = { cols, score };
  }
  const cols = best.cols;
  const rows = Math.ceil(count / cols);
  const w = even(area.w / cols);
  const h = even(area.h / rows);
  const cells: Rect[] = [];
  for (let i = 0; i < count; i++) {
    const row = Math.floor(i / cols);
    // The last row, when not full, is centred.
    const inRow = row === rows - 1 ? count - row * cols : cols;
    const offset = (area.w - inRow * w) / 2;
    cells.push({
      x: even(area.x + offset + (i % cols) * w),
      y: even(area.y + (area.h - rows * h) / 2 + row * h),
      w,
      h,
    });
  }
  return cells;
}

/**
 * Without a screen share: the whole frame is the grid. With one: the screen gets the big area on
 * the left and the cameras a strip on the right (the whole frame when nobody has a camera).
 */
export function compositeLayout(cellCount: number, hasScreen: boolean): CompositeLayout {
  const frame: Rect = { x: 0, y: 0, w: FRAME_WIDTH, h: FRAME_HEIGHT };
  if (!hasScreen) return { screen: null, cells: gridCells(cellCount, frame) };
  if (cellCount === 0) return { screen: frame, cells: [] };
  const screen: Rect = { x: 0, y: 0, w: FRAME_WIDTH - STRIP_WIDTH, h: FRAME_HEIGHT };
  const strip: Rect = { x: FRAME_WIDTH - STRIP_WIDTH, y: 0, w: STRIP_WIDTH, h: FRAME_HEIGHT };
  return { screen, cells: gridCells(cellCount, strip) };
}
