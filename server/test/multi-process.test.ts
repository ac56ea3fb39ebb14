import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RoomDto } from '@minimeet/shared';
import { describe, expect, it } from 'vitest';
import {
  connect,
  createRoom,
  followRoom,
  http,
  okData,
  record,
  registerUser,
  request,
  sleep,
  waitFor,
} from './helpers/chat-client.js';
import { useTwoProcesses } from './helpers/two-processes.js';
import { DB_KINDS, type ServerProcess } from '@minimeet/test-harness';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Two server processes on one database and one Redis: presence, room broadcasts and the chat
 * rate limit are shared, so users on different processes see each other.
 */
describe.each(DB_KINDS)('two server processes sharing Redis (%s)', (kind) => {
  let one: ServerProcess;
  let two: ServerProcess;
  let prefix: string;
  useTwoProcesses(kind, (p) => ({ one, two, prefix } = p), {
    // Graceful stops leave no presence behind (the first test checks that the servers really
    // write under this prefix); rate-limit counters expire on their own.
    async afterStop() {
      const redis = new Redis(REDIS_URL);
      try {
        expect(await redis.keys(`${prefix}:presence:*`)).toEqual([]);
      } finally {
        redis.disconnect();
      }
    },
  });

  it('users on different processes see each other join, chat and leave', async () => {
    const a = await registerUser(one.url, 'mp_a');
    const b = await registerUser(two.url, 'mp_b');
    const aSocket = await connect(one.url, a.accessToken);
    const bSocket = await connect(two.url, b.accessToken);
    const room = await createRoom(one.url, a.accessToken, 'across processes', 2);
    const aMessages = record(aSocket, 'newMessage');
    const bMessages = record(bSocket, 'newMessage');

    const followA = await followRoom(aSocket, { roomId: room.id });
    const joinB = okData(await request(bSocket, 'joinRoom', { roomId: room.id }));
    expect(joinB.participants.map((p) => p.userId).sort()).toEqual([a.user.id, b.user.id].sort());
    await waitFor(() => followA.ids().length === 2, 3000, 'A to see B join');
    // The leftover check in afterAll looks at the keys really written: they are under this prefix.
    const written = new Redis(REDIS_URL);
    try {
      expect(await written.keys(`${prefix}:presence:${room.id}:*`)).not.toEqual([]);
    } finally {
      written.disconnect();
    }

    // Presence is shared: process two counts both users, and the room is full for a third.
    const rooms = await http<RoomDto[]>(two.url, 'GET', '/rooms', { token: b.accessToken });
    expect(rooms.body.find((r) => r.id === room.id)?.participantCount).toBe(2);
    const c = await registerUser(two.url, 'mp_c');
    const cSocket = await connect(two.url, c.accessToken);
    expect(await request(cSocket, 'joinRoom', { roomId: room.id })).toMatchObject({
      ok: false,
      error: { code: 'ROOM_FULL' },
    });

    const sent = okData(
      await request(aSocket, 'sendMessage', {
        roomId: room.id,
        content: 'hello from one',
        clientMessageId: randomUUID(),
      }),
    );
    const reply = okData(
      await request(bSocket, 'sendMessage', {
        roomId: room.id,
        content: 'hello from two',
        clientMessageId: randomUUID(),
      }),
    );
    await waitFor(() => aMessages.length === 2 && bMessages.length === 2, 3000, 'messages across processes');
    expect(bMessages.map((m) => m.message.id)).toEqual([sent.message.id, reply.message.id]);

    okData(await request(bSocket, 'leaveRoom', { roomId: room.id }));
    await waitFor(() => followA.ids().length === 1, 3000, 'A to see B leave');
    expect(followA.deltas.at(-1)).toEqual({ roomId: room.id, joined: [], left: [b.user.id], changed: [] });
    await sleep(50);
  });

  it('a reconnect to the other process within the grace period does not flap presence', async () => {
    const a = await registerUser(one.url, 'mp_move');
    const b = await registerUser(one.url, 'mp_stay');
    const bSocket = await connect(one.url, b.accessToken);
    const room = await createRoom(one.url, a.accessToken, 'move');
    const watcher = await followRoom(bSocket, { roomId: room.id });
    const onOne = await connect(one.url, a.accessToken);
    okData(await request(onOne, 'joinRoom', { roomId: room.id }));
    await waitFor(() => watcher.ids().includes(a.user.id), 3000, 'A to join');
    const seen = watcher.deltas.length;
    const bUpdates = () => watcher.deltas.slice(seen);

    onOne.close();
    const onTwo = await connect(two.url, a.accessToken);
    okData(await request(onTwo, 'joinRoom', { roomId: room.id }));
    await sleep(600); // process one's grace timer (300 ms) has fired and found A present
    expect(bUpdates()).toHaveLength(0);

    onTwo.close();
    await waitFor(() => bUpdates().length === 1, 3000, 'A to leave after grace');
    expect(bUpdates()[0]).toEqual({ roomId: room.id, joined: [], left: [a.user.id], changed: [] });
    expect(watcher.ids()).toEqual([b.user.id]);
  });

  it('participant deltas of joins and leaves on both processes reach every socket in one order', async () => {
    const owner = await registerUser(one.url, 'mp_order');
    const room = await createRoom(one.url, owner.accessToken, 'order', 40);
    const watcherUser = await registerUser(two.url, 'mp_order_w');
    const onOne = await followRoom(await connect(one.url, owner.accessToken), { roomId: room.id });
    const onTwo = await followRoom(await connect(two.url, watcherUser.accessToken), { roomId: room.id });
    await waitFor(
      () => onOne.ids().length === 2 && onTwo.ids().length === 2,
      3000,
      'the watchers to see each other',
    );
    await sleep(300);
    onOne.deltas.length = 0;
    onTwo.deltas.length = 0;

    // Sixteen users join at once, half on each process; every fourth leaves right away.
    const users = await Promise.all(
      Array.from({ length: 16 }, (_, i) => registerUser(i % 2 ? one.url : two.url, 'mp_o')),
    );
    await Promise.all(
      users.map(async (u, i) => {
        const socket = await connect(i % 2 ? one.url : two.url, u.accessToken);
        okData(await request(socket, 'joinRoom', { roomId: room.id }));
        if (i % 4 === 0) okData(await request(socket, 'leaveRoom', { roomId: room.id }));
      }),
    );
    const expected = [owner, watcherUser, ...users.filter((_, i) => i % 4 !== 0)]
      .map((u) => u.user.id)
      .sort((a, b) => a - b);
    await waitFor(
      () => onOne.ids().join() === expected.join() && onTwo.ids().join() === expected.join(),
      5000,
      'both watchers to show the room as it is',
    );
    await sleep(300);
    expect(onOne.deltas.length).toBeGreaterThan(0);
    expect(onTwo.deltas).toEqual(onOne.deltas);
  });
});
