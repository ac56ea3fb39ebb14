import { describe, expect, it } from 'vitest';
import { LoudestRanking } from './loudest-ranking.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);
const ticks = (r: LoudestRanking, volumes: Record<string, number>, n = 1) => {
  let changed = false;
  for (let i = 0; i < n; i++) changed = r.tick(new Map(Object.entries(volumes))) || changed;
  return changed;
};

describe('LoudestRanking', () => {
  it('a quiet room lists its first K + 1 microphones; a small room hears everyone', () => {
    const r = new LoudestRanking({ k: 3 });
    for (const id of ids(3)) r.add(id);
    expect(r.audible).toEqual(['m0', 'm1', 'm2']);
    for (const id of ids(8).slice(3)) r.add(id);
    expect(r.audible).toEqual(['m0', 'm1', 'm2', 'm3']);
    // Each receiver: the first K not its own.
    expect(r.audibleFor(new Set(['m1']))).toEqual(['m0', 'm2', 'm3']);
    expect(r.audibleFor(new Set(['m7']))).toEqual(['m0', 'm1', 'm2']);
  });

  it('a speaker enters the top K; a removed microphone leaves its place to the next', () => {
    const r = new LoudestRanking({ k: 3 });
    for (const id of ids(8)) r.add(id);
    expect(ticks(r, { m6: -20 }, 3)).toBe(true);
    expect(r.audibleFor(new Set())).toContain('m6');
    expect(r.remove('m6')).toBe(true);
    expect(r.audible).not.toContain('m6');
    expect(r.audible).toHaveLength(4);
  });

  it('does not flap: two speakers a few dB apart keep their places, a pause keeps the place', () => {
    const r = new LoudestRanking({ k: 1 });
    for (const id of ids(4)) r.add(id);
    ticks(r, { m2: -30, m3: -30 }, 5);
    const settled = r.audibleFor(new Set());
    let changes = 0;
    for (let i = 0; i < 40; i++) {
      // Alternately a little louder than the other (less than the margin).
      if (ticks(r, i % 2 ? { m2: -27, m3: -33 } : { m2: -33, m3: -27 })) changes++;
    }
    expect(changes).toBe(0);
    expect(r.audibleFor(new Set())).toEqual(settled);
    // A breath (2 quiet ticks) keeps the place.
    const other = settled[0] === 'm2' ? 'm3' : 'm2';
    expect(ticks(r, {}, 2)).toBe(false);
    // But a clearly louder voice over a longer time takes the place.
    ticks(r, { [other]: -10 }, 10);
    expect(r.audibleFor(new Set())).toEqual([other]);
  });
});
