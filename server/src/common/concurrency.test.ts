import { describe, expect, it } from 'vitest';
import { mapConcurrent, TimeoutError, withTimeout } from './concurrency.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapConcurrent', () => {
  it('keeps the input order and never runs more than `limit` at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(n * 3);
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });

  it('handles an empty list and rejects a bad limit', async () => {
    expect(await mapConcurrent([], 3, () => Promise.resolve(1))).toEqual([]);
    await expect(mapConcurrent([1], 0, () => Promise.resolve(1))).rejects.toThrow(RangeError);
  });
});

describe('withTimeout', () => {
  it('passes through a result in time', async () => {
    expect(await withTimeout(Promise.resolve('x'), 50, 'work')).toBe('x');
  });

  it('rejects with TimeoutError when the work hangs', async () => {
    const hung = new Promise<never>(() => undefined);
    await expect(withTimeout(hung, 20, 'getStats')).rejects.toBeInstanceOf(TimeoutError);
    await expect(withTimeout(hung, 20, 'getStats')).rejects.toThrow('getStats timed out after 20 ms');
  });
});
