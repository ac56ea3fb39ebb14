import { describe, expect, it } from 'vitest';
import { MAX_RECONNECT_SPREAD_MS, reconnectDelays } from './reconnect-delays.js';

describe('reconnectDelays', () => {
  it('spreads the sockets evenly over a third of the grace period, one per slice', () => {
    const delays = reconnectDelays(30, 9000);
    expect(delays).toHaveLength(30);
    const sorted = [...delays].sort((a, b) => a - b);
    // Slice i of 3000 / 30 = 100 ms holds exactly one delay.
    sorted.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(i * 100);
      expect(d).toBeLessThan((i + 1) * 100);
    });
  });

  it('never spreads beyond MAX_RECONNECT_SPREAD_MS, however long the grace', () => {
    const delays = reconnectDelays(200, 600_000);
    expect(Math.max(...delays)).toBeLessThan(MAX_RECONNECT_SPREAD_MS);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    // Not all at once: the busiest second holds about a fifth of them, not all.
    const perSecond = new Map<number, number>();
    for (const d of delays) perSecond.set(Math.floor(d / 1000), (perSecond.get(Math.floor(d / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(41);
  });

  it('does not hand the first-listed sockets the earliest slots', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const delays = reconnectDelays(50, 15_000, random);
    const firstHalf = delays.slice(0, 25).reduce((a, b) => a + b, 0);
    const secondHalf = delays.slice(25).reduce((a, b) => a + b, 0);
    // Unshuffled, the first half would sum to about a third of the second's.
    expect(firstHalf / secondHalf).toBeGreaterThan(0.5);
    expect(firstHalf / secondHalf).toBeLessThan(2);
  });

  it('no sockets, no delays; a zero grace, no wait', () => {
    expect(reconnectDelays(0, 30_000)).toEqual([]);
    expect(reconnectDelays(3, 0)).toEqual([0, 0, 0]);
  });
});
