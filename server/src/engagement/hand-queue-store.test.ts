import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { HandQueueStore } from './hand-queue-store.js';
import { MemoryHandQueueStore } from './memory-hand-queue-store.js';
import { RedisHandQueueStore } from './redis-hand-queue-store.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `mmtest-hands-${randomBytes(4).toString('hex')}`;
const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

afterAll(async () => {
  if (redis.status === 'ready') {
    const left = await redis.keys(`${prefix}:*`);
    if (left.length) await redis.del(...left);
  }
  redis.disconnect();
});

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const ids = (q: { userId: number }[]) => q.map((h) => h.userId);

/** Two stores on one backing (two nodes on Redis; one process in memory). */
const stores: [string, () => Promise<[HandQueueStore, HandQueueStore] | null>][] = [
  [
    'memory',
    async () => {
      const m = new MemoryHandQueueStore();
      return [m, m];
    },
  ],
  [
    'redis (two nodes)',
    async () => {
      try {
        await redis.connect();
      } catch (err) {
        console.warn(`hand-queue-store.test: Redis at ${REDIS_URL} unreachable, skipping the Redis store (${String(err)})`);
        return null;
      }
      return [new RedisHandQueueStore(redis, prefix), new RedisHandQueueStore(redis, prefix)];
    },
  ],
];

describe.each(stores)('HandQueueStore: %s', (_name, make) => {
  it('keeps raise order across stores, ignores a second raise, lowers, clears per room', async (ctx) => {
    const pair = await make();
    if (!pair) return ctx.skip();
    const [a, b] = pair;
    expect((await a.raise(1, 10, 'ann', at(1))).changed).toBe(true);
    expect((await b.raise(1, 20, 'bob', at(2))).changed).toBe(true);
    const third = await a.raise(1, 30, 'cy', at(3));
    expect(ids(third.hands)).toEqual([10, 20, 30]);
    expect(third.hands[1]).toEqual({ userId: 20, username: 'bob', raisedAt: at(2).toISOString() });

    const again = await b.raise(1, 10, 'ann', at(4));
    expect(again.changed).toBe(false);
    expect(ids(again.hands)).toEqual([10, 20, 30]);

    expect(ids((await b.lower(1, 20)).hands)).toEqual([10, 30]);
    expect((await a.lower(1, 20)).changed).toBe(false);
    // Raised again, a hand goes to the back.
    expect(ids((await a.raise(1, 20, 'bob', at(5))).hands)).toEqual([10, 30, 20]);

    await b.raise(2, 40, 'dee', at(6));
    await a.clearRoom(1);
    expect(await b.queue(1)).toEqual([]);
    expect(ids(await a.queue(2))).toEqual([40]);
    await a.lower(2, 40);
    expect(await b.queue(2)).toEqual([]);
  });
});
