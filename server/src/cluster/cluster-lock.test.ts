import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisClusterLocks } from './cluster-lock.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `mmtest-lock-${randomBytes(4).toString('hex')}`;
const connections = [new Redis(REDIS_URL), new Redis(REDIS_URL)];

afterAll(async () => {
  const left = await connections[0]!.keys(`${prefix}:*`);
  if (left.length) await connections[0]!.del(...left);
  for (const c of connections) c.disconnect();
});

describe('RedisClusterLocks', () => {
  it('two nodes never hold one key at once; every holder runs and the lock is gone after', async () => {
    const nodes = connections.map((c) => new RedisClusterLocks(c, prefix));
    let holders = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        nodes[i % 2]!.withLock('room:1', 5000, async () => {
          holders++;
          most = Math.max(most, holders);
          await new Promise((r) => setTimeout(r, 2));
          order.push(i);
          holders--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(order.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await connections[0]!.exists(`${prefix}:cluster:lock:room:1`)).toBe(0);
  });

  it('a failing holder still releases the lock', async () => {
    const locks = new RedisClusterLocks(connections[0]!, prefix);
    await expect(locks.withLock('room:2', 5000, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    await expect(locks.withLock('room:2', 5000, async () => 'next')).resolves.toBe('next');
  });
});
