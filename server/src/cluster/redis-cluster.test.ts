import { ErrorCode, PROTOCOL_VERSION } from '@minimeet/shared';
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../common/app-error.js';
import type { MediaLogger } from '../media/worker-pool.js';
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

function nodeInfo(id: string, protocolVersion = PROTOCOL_VERSION): ClusterNodeInfo {
  return {
    id,
    bootId: randomUUID(),
    pipeAddress: '127.0.0.1',
    protocolVersion,
    startedAt: Date.now(),
    load: 0,
    rooms: 0,
    draining: false,
  };
}

/** A logger whose error lines the tests read. */
function errorLog() {
  const error = vi.fn();
  const noop = () => undefined;
  return { log: { debug: noop, info: noop, warn: noop, error } as unknown as MediaLogger, error };
}

async function bus(
  nodeId: string,
  timeoutMs = 1000,
  opts: { protocolVersion?: string; log?: MediaLogger } = {},
): Promise<RedisClusterBus> {
  const b = await RedisClusterBus.create({ nodeId, redis: redis(), keyPrefix: prefix, timeoutMs, ...opts });
  closers.push(() => b.close());
  return b;
}

async function registry(info: ClusterNodeInfo, conn = redis(), ttlMs = 3000, log?: MediaLogger) {
  const r = new RedisNodeRegistry(info, conn, prefix, ttlMs, log);
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

  it('a request that cannot be sent (Redis down) fails at once and leaves no timeout to go off later', async () => {
    const conn = new Redis(REDIS_URL, { enableOfflineQueue: false });
    connections.push(conn);
    await new Promise((resolve) => conn.once('ready', resolve));
    const a = await RedisClusterBus.create({
      nodeId: 'bus-cut',
      redis: conn,
      keyPrefix: prefix,
      timeoutMs: 200,
    });
    closers.push(() => a.close());
    conn.disconnect();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      await expect(a.request('bus-b', 'ping', { sentAt: 1 })).rejects.toThrow(/writeable/);
      // Past the request's timeout: nothing rejects unhandled (it used to, and that ends a node).
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
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
  it('publishes a draining node (and its public URL) to the others at once; it stays alive', async () => {
    const watcher = await registry(nodeInfo('drain-watcher'));
    const leaving = await registry({ ...nodeInfo('drain-leaving'), publicUrl: 'http://10.0.0.9:3000' });
    await until(() => watcher.r.isAlive('drain-leaving'), 5000, 'the node up');
    expect(watcher.r.nodes().find((n) => n.id === 'drain-leaving')).toMatchObject({
      draining: false,
      publicUrl: 'http://10.0.0.9:3000',
    });
    await leaving.r.markDraining();
    await until(
      () => watcher.r.nodes().find((n) => n.id === 'drain-leaving')?.draining === true,
      3000,
      'draining seen by the other node',
    );
    expect(watcher.r.isAlive('drain-leaving')).toBe(true);
    expect(watcher.downs.map((n) => n.id)).not.toContain('drain-leaving');
    expect(leaving.r.nodes().find((n) => n.id === 'drain-leaving')?.draining).toBe(true);
  });

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

describe('nodes of an incompatible protocol version', () => {
  const [major] = PROTOCOL_VERSION.split('.');
  const nextMajor = `${Number(major) + 1}.0`;

  it('are listed but never up nor alive, with one clear error logged; another minor is fine', async () => {
    const { log, error } = errorLog();
    const watcher = await registry(nodeInfo('ver-watcher'), redis(), 3000, log);
    await registry(nodeInfo('ver-next', nextMajor));
    await registry(nodeInfo('ver-none', ''));
    await registry(nodeInfo('ver-minor', `${major}.99`));
    await until(() => watcher.ups.some((n) => n.id === 'ver-minor'), 3000, 'compatible node up');
    const mine = () => watcher.r.nodes().filter((n) => n.id.startsWith('ver-'));
    await until(() => mine().length === 4, 3000, 'all nodes listed');
    await until(() => error.mock.calls.length >= 2, 3000, 'refusals logged');

    expect(watcher.r.isAlive('ver-minor')).toBe(true);
    for (const [id, version] of [
      ['ver-next', nextMajor],
      ['ver-none', ''],
    ] as const) {
      expect(watcher.r.isAlive(id)).toBe(false);
      expect(watcher.r.nodes().find((n) => n.id === id)).toMatchObject({ alive: true, compatible: false });
      expect(watcher.ups.some((n) => n.id === id)).toBe(false);
      const line = error.mock.calls.find(([, msg]) => String(msg).includes(`cluster node ${id} `))?.[1];
      expect(line).toBe(
        `cluster node ${id} speaks protocol ${version || 'none'}, incompatible with this node's ${PROTOCOL_VERSION}: not working with it (run one release across the cluster)`,
      );
    }
    // Still heart-beating: no down, so nothing of theirs is swept while they run.
    expect(watcher.downs.filter((n) => n.id.startsWith('ver-'))).toEqual([]);
    expect(error).toHaveBeenCalledTimes(2);
  });

  it('have their bus requests refused and their events dropped, logged once per node', async () => {
    const { log, error } = errorLog();
    const current = await bus('verbus-current', 1000, { log });
    const older = await bus('verbus-next', 1000, { protocolVersion: nextMajor });
    const handled: number[] = [];
    current.handle('ping', async ({ sentAt }) => {
      handled.push(sentAt);
      return { nodeId: current.nodeId, sentAt };
    });
    const heard: string[] = [];
    current.on('hello', ({ text }) => heard.push(text));

    const refusal = older.request('verbus-current', 'ping', { sentAt: 1 });
    await expect(refusal).rejects.toMatchObject({ code: ErrorCode.MEDIA_UNAVAILABLE });
    await expect(refusal).rejects.toThrow(
      `node verbus-next speaks protocol ${nextMajor}, incompatible with node verbus-current's ${PROTOCOL_VERSION}`,
    );
    await expect(older.request('verbus-current', 'ping', { sentAt: 2 })).rejects.toMatchObject({
      code: ErrorCode.MEDIA_UNAVAILABLE,
    });
    await older.broadcast('hello', { text: 'from the next release' });
    await current.broadcast('hello', { text: 'own' }, { includeSelf: true });
    await until(() => heard.includes('own'), 3000, 'own broadcast');

    expect(handled).toEqual([]);
    expect(heard).toEqual(['own']);
    expect(error).toHaveBeenCalledTimes(1);
  });
});
