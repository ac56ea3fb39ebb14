/**
 * Pure page maths for the call stage with many people: how many tiles a page holds at a screen
 * width, which tiles a page shows, and the "N more" the last tile of a page carries.
 */

export type StageView = 'grid' | 'speaker';

/** Below this stage width the grid is a phone's: 4 tiles a page (stacked as the grid does). */
export const PHONE_BELOW_PX = 600;
/** Below this width 3×3, from it on 4×4. */
export const WIDE_FROM_PX = 1100;

/** Tiles on one grid page at a stage width: 4 on a phone, 9 on a tablet/laptop, 16 on a wide screen. */
export function gridPageSize(width: number): number {
  if (width < PHONE_BELOW_PX) return 4;
  if (width < WIDE_FROM_PX) return 9;
  return 16;
}

/** Tiles in the speaker view's filmstrip at a stage width. */
export function filmstripPageSize(width: number): number {
  if (width < PHONE_BELOW_PX) return 3;
  if (width < WIDE_FROM_PX) return 5;
  return 7;
}

export interface Page<T> {
  /** The page shown (the asked one, clamped to the pages there are). */
  page: number;
  pageCount: number;
  items: T[];
  /** Items after this page: shown as "N more" on its last tile (0 on the last page). */
  more: number;
}

/** One page of `items`; a page past the end (people left) shows the last one. */
export function pageOf<T>(items: readonly T[], pageSize: number, page: number): Page<T> {
  const size = Math.max(1, Math.floor(pageSize));
  const pageCount = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(Math.max(0, Math.floor(page)), pageCount - 1);
  const start = current * size;
  const slice = items.slice(start, start + size);
  return { page: current, pageCount, items: slice, more: Math.max(0, items.length - start - slice.length) };
}

/** The page a key press moves to (←/→ and PageUp/PageDown; Home/End to the ends), or null. */
export function pageForKey(key: string, page: number, pageCount: number): number | null {
  let next: number;
  switch (key) {
    case 'ArrowRight':
    case 'PageDown':
      next = page + 1;
      break;
    case 'ArrowLeft':
    case 'PageUp':
      next = page - 1;
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = pageCount - 1;
      break;
    default:
      return null;
  }
  next = Math.min(Math.max(0, next), pageCount - 1);
  return next === page ? null : next;
}

/**
 * The speaker view's big tile: a screen share first, else the active speaker, else the first
 * other person (yourself only when alone). `key`s are tile keys.
 */
export function spotlightOf<T extends { key: string; userId: number; isLocal: boolean; source: 'camera' | 'screen' }>(
  tiles: readonly T[],
  activeSpeakerId: number | null,
): T | undefined {
  return (
    tiles.find((t) => t.source === 'screen') ??
    tiles.find((t) => t.source === 'camera' && !t.isLocal && t.userId === activeSpeakerId) ??
    tiles.find((t) => !t.isLocal) ??
    tiles[0]
  );
}
