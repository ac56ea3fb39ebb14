import { ErrorCode } from '@minimeet/shared';
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../common/app-error.js';
import type { ClusterNodeInfo } from './node-registry.js';
import { RedisClusterBus } from './redis-cluster-bus.js';
import { RedisNodeRegistry } from './redis-node-registry.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `mmtest-cluster-${randomBytes(4).toString('hex')}`;
const connections: Redis[] = [];
const closers: Array<() => Promise<void>> = [];

function redis(): Redis {
  const r = new Redis(REDIS_URL);
  connections.push(r);
  return r;
}

function nodeInfo(id: string): ClusterNodeInfo {
  return { id, bootId: randomUUID(), pipeAddress: '127.0.0.1', startedAt: Date.now(), load: 0, rooms: 0 };
}

async function bus(nodeId: string, timeoutMs = 1000): Promise<RedisClusterBus> {
  const b = await RedisClusterBus.create({ nodeId, redis: redis(), keyPrefix: prefix, timeoutMs });
  closers.push(() => b.close());
  return b;
}

async function registry(info: ClusterNodeInfo, conn = redis(), ttlMs = 3000) {
  const r = new RedisNodeRegistry(info, conn, prefix, ttlMs);
  const downs: ClusterNodeInfo[] = [];
  const ups: ClusterNodeInfo[] = [];
  r.onNodeDown((n) => downs.push(n));
  r.onNodeUp((n) => ups.push(n));
  await r.start();
  r.startWatching();
  closers.push(() => r.stop());
  return { r, downs, ups };
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  const r = new Redis(REDIS_URL);
  const keys = await r.keys(`${prefix}:*`);
  if (keys.length) await r.del(...keys);
  r.disconnect();
  for (const c of connections) c.disconnect();
});

describe('cluster bus over Redis', () => {
  it('answers a request from the node it was sent to, errors keep their code', async () => {
    const a = await bus('bus-a');
    const b = await bus('bus-b');
    b.handle('ping', async ({ sentAt }) => {
      if (sentAt < 0) throw new AppError(ErrorCode.NOT_FOUND, 'negative');
      return { nodeId: b.nodeId, sentAt };
    });
    await expect(a.request('bus-b', 'ping', { sentAt: 5 })).resolves.toEqual({ nodeId: 'bus-b', sentAt: 5 });
    await expect(a.request('bus-b', 'ping', { sentAt: -1 })).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
      message: 'negative',
    });
    // Nobody subscribes to that node's channel: refused at once, not after the timeout.
    await expect(a.request('bus-nobody', 'ping', { sentAt: 1 })).rejects.toMatchObject({
      code: ErrorCode.MEDIA_UNAVAILABLE,
    });
  });

  it('every node sees broadcasts from several senders in one order', async () => {
    const nodes = await Promise.all(['ord-a', 'ord-b', 'ord-c'].map((id) => bus(id)));
    const seen = nodes.map(() => [] as string[]);
    nodes.forEach((n, i) => n.on('hello', ({ text }) => seen[i]!.push(text)));
    await Promise.all(
      nodes.flatMap((n, i) =>
        Array.from({ length: 30 }, (_, k) =>
          n.broadcast('hello', { text: `${i}:${k}` }, { includeSelf: true }),
        ),
      ),
    );
    await until(() => seen.every((s) => s.length === 90), 5000, 'all broadcasts');
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
  });
});

describe('node registry over Redis', () => {
  it('sees a node come up, and reports it down when its heartbeat stops', async () => {
    const watcher = await registry(nodeInfo('reg-watcher'));
    const victimConn = redis();
    const victim = await registry(nodeInfo('reg-victim'), victimConn);
    await until(() => watcher.ups.some((n) => n.id === 'reg-victim'), 3000, 'victim up');
    expect(watcher.r.isAlive('reg-victim')).toBe(true);
    // A crash: the node's connection is gone, nothing deletes its keys.
    victimConn.disconnect();
    const lostAt = Date.now();
    await until(() => watcher.downs.some((n) => n.id === 'reg-victim'), 6000, 'victim down');
    expect(Date.now() - lostAt).toBeLessThanOrEqual(3000 + 1500);
    expect(watcher.r.isAlive('reg-victim')).toBe(false);
    expect(watcher.downs.filter((n) => n.id === 'reg-victim')).toHaveLength(1);
    expect(victim.r.self.id).toBe('reg-victim');
  });

  it('a restart under the same id is the old boot going down; the new boot sweeps its own past', async () => {
    const watcher = await registry(nodeInfo('rs-watcher'));
    const firstConn = redis();
    const first = nodeInfo('rs-node');
    await registry(first, firstConn);
    await until(() => watcher.ups.some((n) => n.bootId === first.bootId), 3000, 'first boot up');
    firstConn.disconnect(); // killed, restarted at once
    const second = await registry(nodeInfo('rs-node'));
    await until(() => second.downs.some((n) => n.bootId === first.bootId), 3000, 'own previous boot swept');
    await until(
      () => watcher.downs.some((n) => n.bootId === first.bootId),
      3000,
      'watcher sees old boot down',
    );
    await until(
      () => watcher.ups.some((n) => n.bootId === second.r.self.bootId),
      3000,
      'watcher sees new boot',
    );
    expect(watcher.r.isAlive('rs-node')).toBe(true);
  });

  it('claimOnce lets exactly one node sweep', async () => {
    const a = await registry(nodeInfo('claim-a'));
    const b = await registry(nodeInfo('claim-b'));
    const results = await Promise.all([a.r.claimOnce('sweep:x', 5000), b.r.claimOnce('sweep:x', 5000)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
