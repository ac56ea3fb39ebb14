import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisPresenceStore } from './redis-presence-store.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `mmtest-presence-${randomBytes(4).toString('hex')}`;
const redis = new Redis(REDIS_URL);

const alice = { userId: 1, username: 'alice', role: 'speaker' as const };
const bob = { userId: 2, username: 'bob', role: 'speaker' as const };
const nodeA = { nodeId: 'node-a', bootId: 'boot-a1' };
const nodeB = { nodeId: 'node-b', bootId: 'boot-b1' };

function keys(): Promise<string[]> {
  return redis.keys(`${prefix}:*`).then((k) => k.sort());
}

afterAll(async () => {
  const left = await redis.keys(`${prefix}:*`);
  if (left.length) await redis.del(...left);
  redis.disconnect();
});

/** A meeting's capacity: n on stage, no audience. */
const cap = (n: number) => ({ stage: n, audience: 0 });

describe('RedisPresenceStore owned by node boots', () => {
  const a = new RedisPresenceStore(redis, prefix, nodeA);
  const b = new RedisPresenceStore(redis, prefix, nodeB);

  it('a sweep of a dead boot removes its sockets, reports its idle users, and keeps the others', async () => {
    await a.addSocket(10, alice, 'sa1', cap(5));
    await b.addSocket(10, bob, 'sb1', cap(5));
    await a.addSocket(11, bob, 'sa2', cap(5)); // bob is on both nodes in room 11
    await b.addSocket(11, bob, 'sb2', cap(5));
    expect(await a.roomNodes([10, 11, 12])).toEqual(
      new Map([
        [10, ['node-a', 'node-b']],
        [11, ['node-a', 'node-b']],
        [12, []],
      ]),
    );

    const idle = await b.sweepOwner(nodeA);
    // alice has no socket left in room 10; bob still has sb2 in room 11.
    expect(idle).toEqual([{ roomId: 10, userId: 1 }]);
    expect(await a.participants(10)).toEqual([alice, bob]); // removed after the grace, by the caller
    expect(await b.removeUserIfIdle(10, alice.userId)).toBe(true);
    expect(await b.participants(10)).toEqual([bob]);
    expect(await b.roomNodes([10, 11])).toEqual(
      new Map([
        [10, ['node-b']],
        [11, ['node-b']],
      ]),
    );
    expect((await keys()).filter((k) => k.includes(':node:node-a:'))).toEqual([]);

    await b.removeSocket(10, bob.userId, 'sb1');
    await b.removeSocket(11, bob.userId, 'sb2');
    await b.removeUserIfIdle(10, bob.userId);
    await b.removeUserIfIdle(11, bob.userId);
    expect(await keys()).toEqual([]);
  });

  it('a user in their grace period on a dead node is reported idle by the sweep', async () => {
    await a.addSocket(20, alice, 'sa1', cap(5));
    expect(await a.removeSocket(20, alice.userId, 'sa1')).toBe(0);
    expect(await a.participants(20)).toEqual([alice]); // within grace
    expect(await b.sweepOwner(nodeA)).toEqual([{ roomId: 20, userId: 1 }]);
    expect(await b.removeUserIfIdle(20, alice.userId)).toBe(true);
    expect(await keys()).toEqual([]);
  });

  it('coming back on another node within the grace period ends the first node’s grace record', async () => {
    await a.addSocket(30, alice, 'sa1', cap(5));
    await a.removeSocket(30, alice.userId, 'sa1');
    await b.addSocket(30, alice, 'sb1', cap(5));
    expect(await b.sweepOwner(nodeA)).toEqual([]); // nothing of node A's left: alice is on B
    expect(await a.participants(30)).toEqual([alice]);
    await b.removeSocket(30, alice.userId, 'sb1');
    await b.removeUserIfIdle(30, alice.userId);
    expect(await keys()).toEqual([]);
  });

  it('clearing a room also forgets its owner records on every node', async () => {
    await a.addSocket(40, alice, 'sa1', cap(5));
    await b.addSocket(40, bob, 'sb1', cap(5));
    await a.addSocket(41, alice, 'sa2', cap(5));
    expect(await a.clearRoom(40)).toEqual([alice, bob]);
    const left = await keys();
    expect(left.some((k) => k.includes(':node:node-b:'))).toBe(false);
    expect(left.every((k) => k.includes(':41:') || k.endsWith(':node:node-a:boot-a1'))).toBe(true);
    expect(await b.sweepOwner(nodeA)).toEqual([{ roomId: 41, userId: 1 }]);
    await a.removeUserIfIdle(41, alice.userId);
    expect(await keys()).toEqual([]);
  });

  it('keeps the guest mark through the hash (and a plain name stays plain)', async () => {
    const grace = { userId: 9, username: 'alice', role: 'speaker' as const, guest: true as const };
    await a.addSocket(30, grace, 'sg1', cap(5));
    await a.addSocket(30, alice, 'sg2', cap(5));
    expect(await b.participants(30)).toEqual([alice, grace]);
    expect(await b.setRole(30, grace.userId, 'speaker', 5)).toEqual({ ok: true, participant: grace });
    expect(await a.clearRoom(30)).toEqual([alice, grace]);
  });

  it('keeps roles: capacity per stage and audience, setRole within the stage cap, all gone with the user', async () => {
    const webinar = { stage: 1, audience: 1 };
    expect(await a.addSocket(50, { ...alice, role: 'host' }, 'sa1', webinar)).toEqual({ admitted: true, userAdded: true });
    expect(await b.addSocket(50, { ...bob, role: 'attendee' }, 'sb1', webinar)).toEqual({ admitted: true, userAdded: true });
    expect(await b.addSocket(50, { userId: 3, username: 'carol', role: 'attendee' }, 'sb2', webinar)).toEqual({ admitted: false });
    expect(await a.setRole(50, bob.userId, 'speaker', 1)).toEqual({ ok: false, reason: 'stageFull' });
    expect(await a.setRole(50, 3, 'speaker', 2)).toEqual({ ok: false, reason: 'absent' });
    expect(await a.setRole(50, bob.userId, 'speaker', 2)).toEqual({ ok: true, participant: { ...bob, role: 'speaker' } });
    expect(await b.roleOf(50, bob.userId)).toBe('speaker');
    expect(await a.participants(50)).toEqual([{ ...alice, role: 'host' }, { ...bob, role: 'speaker' }]);
    await a.removeSocket(50, alice.userId, 'sa1');
    await b.removeSocket(50, bob.userId, 'sb1');
    await a.removeUserIfIdle(50, alice.userId);
    await a.removeUserIfIdle(50, bob.userId);
    expect(await a.roleOf(50, bob.userId)).toBeNull();
    expect(await keys()).toEqual([]);
  });
});
