import { PROTOCOL_VERSION } from '@minimeet/shared';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryProducerDirectory } from './memory-producer-directory.js';
import type { ClusterNodeState } from './node-registry.js';
import { isLiveEntry, type DirectoryProducer, type ProducerDirectory } from './producer-directory.js';
import { RedisProducerDirectory } from './redis-producer-directory.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `mmcm-${randomBytes(4).toString('hex')}`;
const redis = new Redis(REDIS_URL);

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

function entry(producerId: string, nodeId: string, bootId: string, over: Partial<DirectoryProducer> = {}) {
  return {
    producerId,
    nodeId,
    bootId,
    userId: 7,
    kind: 'audio',
    source: 'mic',
    paused: false,
    ...over,
  } satisfies DirectoryProducer;
}

const impls: Array<[string, () => ProducerDirectory]> = [
  ['memory', () => new MemoryProducerDirectory()],
  ['redis', () => new RedisProducerDirectory(redis, `${prefix}:${randomBytes(3).toString('hex')}`)],
];

describe.each(impls)('producer directory (%s)', (_name, make) => {
  it('lists a room’s producers from every node, follows pause and close', async () => {
    const dir = make();
    await dir.add(1, entry('p1', 'a', 'boot-a'));
    await dir.add(1, entry('p2', 'b', 'boot-b', { kind: 'video', source: 'camera' }));
    await dir.add(2, entry('p3', 'a', 'boot-a'));
    expect((await dir.list(1)).map((p) => p.producerId).sort()).toEqual(['p1', 'p2']);
    await dir.setPaused(1, 'p2', true);
    expect(await dir.find(1, 'p2')).toMatchObject({
      nodeId: 'b',
      kind: 'video',
      source: 'camera',
      paused: true,
    });
    await dir.remove(1, 'p1');
    expect((await dir.list(1)).map((p) => p.producerId)).toEqual(['p2']);
    // A pause arriving after the close does not bring the entry back.
    await dir.setPaused(1, 'p1', true);
    expect(await dir.find(1, 'p1')).toBeUndefined();
  });

  it('removes exactly one dead boot’s entries, in every room', async () => {
    const dir = make();
    await dir.add(1, entry('old1', 'b', 'boot-1'));
    await dir.add(2, entry('old2', 'b', 'boot-1'));
    await dir.add(1, entry('new1', 'b', 'boot-2'));
    await dir.add(1, entry('other', 'a', 'boot-a'));
    const byRoom = (x: { roomId: number }, y: { roomId: number }) => x.roomId - y.roomId;
    // Listing a boot's entries (a node putting its own right after an outage) changes nothing.
    expect((await dir.listBoot('b', 'boot-1')).sort(byRoom)).toEqual([
      { roomId: 1, producerId: 'old1' },
      { roomId: 2, producerId: 'old2' },
    ]);
    expect(await dir.listBoot('b', 'boot-9')).toEqual([]);
    const removed = await dir.removeBoot('b', 'boot-1');
    expect(removed.sort(byRoom)).toEqual([
      { roomId: 1, producerId: 'old1' },
      { roomId: 2, producerId: 'old2' },
    ]);
    expect((await dir.list(1)).map((p) => p.producerId).sort()).toEqual(['new1', 'other']);
    expect(await dir.list(2)).toEqual([]);
    expect(await dir.removeBoot('b', 'boot-1')).toEqual([]);
    expect(await dir.listBoot('b', 'boot-1')).toEqual([]);
  });
});

describe('isLiveEntry', () => {
  const node = (id: string, bootId: string, alive: boolean): ClusterNodeState => ({
    id,
    bootId,
    alive,
    compatible: true,
    pipeAddress: '10.0.0.1',
    protocolVersion: PROTOCOL_VERSION,
    startedAt: 0,
    load: 0,
    rooms: 0,
    draining: false,
  });
  it('takes entries of the live boot and of nodes not seen yet, not of dead or replaced boots', () => {
    const nodes = [node('a', 'a2', true), node('b', 'b1', false)];
    expect(isLiveEntry(nodes, entry('p', 'a', 'a2'))).toBe(true);
    expect(isLiveEntry(nodes, entry('p', 'a', 'a1'))).toBe(false);
    expect(isLiveEntry(nodes, entry('p', 'b', 'b1'))).toBe(false);
    expect(isLiveEntry(nodes, entry('p', 'c', 'c1'))).toBe(true);
  });

  it('does not take entries of a live node of an incompatible protocol version', () => {
    const nodes = [{ ...node('n', 'n1', true), compatible: false, protocolVersion: '' }];
    expect(isLiveEntry(nodes, entry('p', 'n', 'n1'))).toBe(false);
  });
});
