import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { LobbyEntry } from '@minimeet/shared';
import type { LobbyStore } from './lobby-store.js';
import { MemoryLobbyStore } from './memory-lobby-store.js';
import { RedisLobbyStore } from './redis-lobby-store.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `mmtest-lobby-${randomBytes(4).toString('hex')}`;
const redis = new Redis(REDIS_URL);
const SOCKET_TTL_MS = 300;

afterAll(async () => {
  const left = await redis.keys(`${prefix}:*`);
  if (left.length) await redis.del(...left);
  redis.disconnect();
});

const entry = (userId: number, since: string, guest = false): LobbyEntry => ({
  userId,
  username: `u${userId}`,
  ...(guest ? { guest: true as const } : {}),
  since,
});

const stores: Array<[string, () => LobbyStore]> = [
  ['memory', () => new MemoryLobbyStore()],
  ['redis', () => new RedisLobbyStore(redis, prefix, SOCKET_TTL_MS)],
];

describe.each(stores)('LobbyStore (%s)', (_kind, make) => {
  let room = 0;
  const nextRoom = () => ++room + (_kind === 'redis' ? 1000 : 0);

  it('lists waiters oldest first, one entry per user however many sockets, up to the cap', async () => {
    const store = make();
    const r = nextRoom();
    expect(await store.wait(r, entry(2, '2026-01-01T00:00:02.000Z'), 's2', 2)).toBe('added');
    expect(await store.wait(r, entry(1, '2026-01-01T00:00:01.000Z', true), 's1', 2)).toBe('added');
    expect(await store.wait(r, entry(1, '2026-01-01T00:00:09.000Z'), 's1b', 2)).toBe('alreadyWaiting');
    expect(await store.wait(r, entry(3, '2026-01-01T00:00:03.000Z'), 's3', 2)).toBe('full');
    expect(await store.waiting(r)).toEqual([entry(1, '2026-01-01T00:00:01.000Z', true), entry(2, '2026-01-01T00:00:02.000Z')]);
    expect(await store.isWaiting(r, 1)).toBe(true);
    expect(await store.isWaiting(r, 3)).toBe(false);
    // Other rooms are apart.
    expect(await store.waiting(nextRoom())).toEqual([]);
  });

  it('a user leaves the list with their last socket; take removes them at once', async () => {
    const store = make();
    const r = nextRoom();
    await store.wait(r, entry(1, '2026-01-01T00:00:01.000Z'), 'a', 10);
    await store.wait(r, entry(1, '2026-01-01T00:00:01.000Z'), 'b', 10);
    await store.wait(r, entry(2, '2026-01-01T00:00:02.000Z'), 'c', 10);
    expect(await store.removeSocket({ roomId: r, userId: 1, socketId: 'a' })).toBe(false);
    expect(await store.isWaiting(r, 1)).toBe(true);
    expect(await store.removeSocket({ roomId: r, userId: 1, socketId: 'b' })).toBe(true);
    expect(await store.removeSocket({ roomId: r, userId: 1, socketId: 'b' })).toBe(false);
    expect(await store.take(r, 2)).toBe(true);
    expect(await store.take(r, 2)).toBe(false);
    // A socket of a user taken off no longer brings them back.
    expect(await store.removeSocket({ roomId: r, userId: 2, socketId: 'c' })).toBe(false);
    expect(await store.waiting(r)).toEqual([]);
  });

  it('admissions last until cleared; denials until their time is up; clearRoom forgets the room', async () => {
    const store = make();
    const r = nextRoom();
    await store.admit(r, 1);
    expect(await store.isAdmitted(r, 1)).toBe(true);
    expect(await store.isAdmitted(r, 2)).toBe(false);
    await store.clearAdmissions(r);
    expect(await store.isAdmitted(r, 1)).toBe(false);
    await store.deny(r, 2, 150);
    expect(await store.isDenied(r, 2)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await store.isDenied(r, 2)).toBe(false);
    await store.wait(r, entry(3, '2026-01-01T00:00:03.000Z'), 'x', 10);
    await store.admit(r, 4);
    expect((await store.clearRoom(r)).map((e) => e.userId)).toEqual([3]);
    expect(await store.waiting(r)).toEqual([]);
    expect(await store.isAdmitted(r, 4)).toBe(false);
  });
});

describe('RedisLobbyStore expiry', () => {
  it("a socket not renewed expires (a dead node's waiter leaves the list); a renewed one stays", async () => {
    const store = new RedisLobbyStore(redis, prefix, SOCKET_TTL_MS);
    await store.wait(9000, entry(1, '2026-01-01T00:00:01.000Z'), 'dead', 10);
    await store.wait(9000, entry(2, '2026-01-01T00:00:02.000Z'), 'alive', 10);
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, SOCKET_TTL_MS / 3));
      await store.renew([{ roomId: 9000, userId: 2, socketId: 'alive' }]);
    }
    expect((await store.waiting(9000)).map((e) => e.userId)).toEqual([2]);
    // Renewing a socket taken off does not bring it back.
    await store.take(9000, 2);
    await store.renew([{ roomId: 9000, userId: 2, socketId: 'alive' }]);
    expect(await store.waiting(9000)).toEqual([]);
  });
});
