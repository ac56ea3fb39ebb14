import { describe, expect, it } from 'vitest';
import { filmstripPageSize, gridPageSize, pageForKey, pageOf, spotlightOf } from './paging';

const people = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('page size by screen width', () => {
  it('is 2×2 on a phone, 3×3 on a laptop, 4×4 on a wide screen', () => {
    expect(gridPageSize(375)).toBe(4);
    expect(gridPageSize(599)).toBe(4);
    expect(gridPageSize(600)).toBe(9);
    expect(gridPageSize(1024)).toBe(9);
    expect(gridPageSize(1100)).toBe(16);
    expect(gridPageSize(1920)).toBe(16);
    expect(filmstripPageSize(375)).toBeLessThan(filmstripPageSize(1920));
  });
});

describe('pageOf', () => {
  it('splits 200 people into pages and counts the rest as "N more"', () => {
    const first = pageOf(people(200), 16, 0);
    expect(first).toMatchObject({ page: 0, pageCount: 13, more: 184 });
    expect(first.items).toEqual(people(16));
    const last = pageOf(people(200), 16, 12);
    expect(last.items).toEqual([193, 194, 195, 196, 197, 198, 199, 200]);
    expect(last.more).toBe(0);
  });

  it('clamps a page past the end (people left) and below zero', () => {
    expect(pageOf(people(10), 4, 7)).toMatchObject({ page: 2, pageCount: 3, items: [9, 10], more: 0 });
    expect(pageOf(people(10), 4, -3)).toMatchObject({ page: 0, more: 6 });
    expect(pageOf([], 9, 0)).toMatchObject({ page: 0, pageCount: 1, items: [], more: 0 });
  });

  it('shows nothing more when everyone fits', () => {
    expect(pageOf(people(9), 9, 0)).toMatchObject({ pageCount: 1, more: 0 });
  });
});

describe('pageForKey', () => {
  it('moves with arrows and PageUp/PageDown, stays inside the pages', () => {
    expect(pageForKey('ArrowRight', 0, 3)).toBe(1);
    expect(pageForKey('PageDown', 1, 3)).toBe(2);
    expect(pageForKey('ArrowRight', 2, 3)).toBeNull();
    expect(pageForKey('ArrowLeft', 2, 3)).toBe(1);
    expect(pageForKey('PageUp', 0, 3)).toBeNull();
    expect(pageForKey('End', 0, 3)).toBe(2);
    expect(pageForKey('Home', 2, 3)).toBe(0);
    expect(pageForKey('a', 0, 3)).toBeNull();
  });
});

describe('spotlightOf', () => {
  const tile = (userId: number, isLocal = false, source: 'camera' | 'screen' = 'camera') => ({
    key: `${source}:${userId}`,
    userId,
    isLocal,
    source,
  });
  it('puts a screen share, else the active speaker, else the first other person in the big tile', () => {
    const tiles = [tile(1, true), tile(2), tile(3)];
    expect(spotlightOf(tiles, 3)?.userId).toBe(3);
    expect(spotlightOf(tiles, null)?.userId).toBe(2);
    // Your own voice does not put you in the big tile.
    expect(spotlightOf(tiles, 1)?.userId).toBe(2);
    expect(spotlightOf([tile(3, false, 'screen'), ...tiles], 2)?.source).toBe('screen');
    expect(spotlightOf([tile(1, true)], 1)?.userId).toBe(1);
  });
});
