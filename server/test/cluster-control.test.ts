import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllSockets,
  connect,
  createRoom,
  http,
  okData,
  record,
  registerUser,
  request,
  waitFor,
  type ClientSocket,
} from './helpers/chat-client.js';
import { chatEnv } from './helpers/chat-server.js';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { startServer, waitFor as pollUntil, type ServerProcess } from './helpers/server-process.js';
import type { AuthResponse } from '@minimeet/shared';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NODE_TTL_MS = 3000;
const GRACE_MS = 2000;

/**
 * The cluster control plane with two server processes (nodes "ctrl-a" and "ctrl-b") on one
 * MariaDB and one Redis: node death sweeps, room deletion on every node, one open call per
 * room, chat in one order everywhere.
 */
describe('cluster control plane: two nodes on MariaDB and Redis', () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let redis: Redis;
  const prefix = `mmctrl-${randomBytes(4).toString('hex')}`;
  const env = (nodeId: string, db: TestDatabase) =>
    chatEnv({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      CLUSTER_NODE_ID: nodeId,
      CLUSTER_NODE_TTL_MS: String(NODE_TTL_MS),
      PRESENCE_GRACE_MS: String(GRACE_MS),
      CHAT_RATE_LIMIT: '100',
    });

  beforeAll(async () => {
    db = await createTestDatabase('mariadb');
    redis = new Redis(REDIS_URL);
    a = await startServer({ env: env('ctrl-a', db) });
    b = await startServer({ env: env('ctrl-b', db) }); // migrations already applied by A
  }, 90_000);
  afterAll(async () => {
    closeAllSockets();
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
    const all = await redis.keys(`${prefix}:*`);
    if (all.length) await redis.del(...all);
    redis.disconnect();
  });
  afterEach(() => closeAllSockets());

  async function users(n: number, label: string): Promise<AuthResponse[]> {
    return Promise.all(Array.from({ length: n }, (_, i) => registerUser(a.url, `${label}${i}`)));
  }

  async function openCalls(roomId: number): Promise<number> {
    const conn = await mysql.createConnection(db.url);
    try {
      const [rows] = await conn.query('SELECT COUNT(*) AS n FROM call_sessions WHERE roomId = ? AND endedAt IS NULL', [roomId]);
      return Number((rows as Array<{ n: number }>)[0]!.n);
    } finally {
      await conn.end();
    }
  }

  it('chat: every socket on either node gets every message once, all in message id order', async () => {
    const [owner, ...rest] = await users(4, 'chat_');
    const room = await createRoom(a.url, owner!.accessToken, 'chat order', 10);
    const sockets: ClientSocket[] = [];
    for (const [i, u] of [owner!, ...rest].entries()) {
      const socket = await connect(i < 2 ? a.url : b.url, u.accessToken);
      okData(await request(socket, 'joinRoom', { roomId: room.id }));
      sockets.push(socket);
    }
    const received = sockets.map((s) => record(s, 'newMessage'));
    const acks = await Promise.all(
      sockets.flatMap((socket, i) =>
        Array.from({ length: 25 }, (_, k) =>
          request(socket, 'sendMessage', { roomId: room.id, content: `${i}:${k}`, clientMessageId: randomUUID() }),
        ),
      ),
    );
    const ids = acks.map((ack) => okData(ack).message.id).sort((x, y) => x - y);
    expect(new Set(ids).size).toBe(100);
    await waitFor(() => received.every((r) => r.length >= 100), 15_000, 'every message on every socket');
    for (const r of received) expect(r.map((m) => m.message.id)).toEqual(ids);
  });

  it('many users joining one empty room on both nodes at once open exactly one call session', async () => {
    const all = await users(10, 'call_');
    const room = await createRoom(a.url, all[0]!.accessToken, 'one call', 16);
    const sockets = await Promise.all(all.map((u, i) => connect(i % 2 ? b.url : a.url, u.accessToken)));
    const joins = await Promise.all(sockets.map((s) => request(s, 'joinRoom', { roomId: room.id })));
    for (const j of joins) okData(j);
    expect(await openCalls(room.id)).toBe(1);
    for (const s of sockets) okData(await request(s, 'leaveRoom', { roomId: room.id }));
    expect(await openCalls(room.id)).toBe(0);
  });

  it('deleting a room on A empties it on B too: roomDeleted, no rejoin, no chat, no presence', async () => {
    const [owner, guest] = await users(2, 'del_');
    const room = await createRoom(a.url, owner!.accessToken, 'deleted', 5);
    const onA = await connect(a.url, owner!.accessToken);
    const onB = await connect(b.url, guest!.accessToken);
    okData(await request(onA, 'joinRoom', { roomId: room.id }));
    okData(await request(onB, 'joinRoom', { roomId: room.id }));
    expect(await redis.keys(`${prefix}:presence:${room.id}:*`)).not.toEqual([]);
    const deletedOnB = record(onB, 'roomDeleted');

    const res = await http(a.url, 'DELETE', `/rooms/${room.id}`, { token: owner!.accessToken });
    expect(res.status).toBe(204);
    await waitFor(() => deletedOnB.length === 1, 5000, 'roomDeleted on B');
    expect(deletedOnB[0]).toEqual({ roomId: room.id });

    const send = await request(onB, 'sendMessage', { roomId: room.id, content: 'still here?', clientMessageId: randomUUID() });
    expect(send).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });
    expect(await request(onB, 'joinRoom', { roomId: room.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // A clears shared presence and ends the call once every node has let its sockets go.
    await pollUntil(async () => ((await openCalls(room.id)) === 0 ? true : undefined), 5000);
    await pollUntil(async () => ((await redis.keys(`${prefix}:presence:${room.id}:*`)).length === 0 ? true : undefined), 5000);
    const nodeSets = await redis.keys(`${prefix}:presence:node:*`);
    for (const key of nodeSets) {
      const entries = await redis.smembers(key);
      expect(entries.filter((e) => e.startsWith(`${room.id}:`))).toEqual([]);
    }
  });

  it('kill -9 of B: A sees B’s users leave within TTL + grace, no presence of that boot is left; B comes back', async () => {
    const [onAUser, onBUser1, onBUser2] = await users(3, 'kill_');
    const room = await createRoom(a.url, onAUser!.accessToken, 'node death', 10);
    const sa = await connect(a.url, onAUser!.accessToken);
    okData(await request(sa, 'joinRoom', { roomId: room.id }));
    const updates = record(sa, 'participantsUpdate');
    for (const u of [onBUser1!, onBUser2!]) {
      const s = await connect(b.url, u.accessToken);
      okData(await request(s, 'joinRoom', { roomId: room.id }));
    }
    await waitFor(() => updates.at(-1)?.participants.length === 3, 5000, 'A to see both B users');
    const bootKeys = await redis.keys(`${prefix}:presence:node:ctrl-b:*`);
    expect(bootKeys).toHaveLength(1);

    process.kill(b.pid, 'SIGKILL');
    await b.exited;
    await waitFor(
      () => updates.at(-1)?.participants.map((p) => p.userId).join() === String(onAUser!.user.id),
      NODE_TTL_MS + GRACE_MS + 10_000,
      'A to see B’s users gone',
    );
    expect(await redis.exists(bootKeys[0]!)).toBe(0);
    const owners = await redis.hgetall(`${prefix}:presence:${room.id}:owners`);
    expect(Object.values(owners).filter((o) => o.startsWith('ctrl-b:'))).toEqual([]);
    expect(await openCalls(room.id)).toBe(1); // A's user is still in the call

    // B restarts under the same node id: its users join again and everyone sees the whole room.
    b = await startServer({ env: env('ctrl-b', db) });
    const back = await connect(b.url, onBUser1!.accessToken);
    const joined = okData(await request(back, 'joinRoom', { roomId: room.id }));
    expect(joined.participants.map((p) => p.userId).sort()).toEqual([onAUser!.user.id, onBUser1!.user.id].sort());
    await waitFor(() => updates.at(-1)?.participants.length === 2, 5000, 'A to see the B user back');
    expect(await openCalls(room.id)).toBe(1);
  }, 60_000);

  it('a node restarted before its TTL ran out sweeps its own previous run', async () => {
    const [onAUser, onBUser] = await users(2, 'restart_');
    const room = await createRoom(a.url, onAUser!.accessToken, 'restart', 10);
    const sa = await connect(a.url, onAUser!.accessToken);
    okData(await request(sa, 'joinRoom', { roomId: room.id }));
    const updates = record(sa, 'participantsUpdate');
    const sb = await connect(b.url, onBUser!.accessToken);
    okData(await request(sb, 'joinRoom', { roomId: room.id }));
    await waitFor(() => updates.at(-1)?.participants.length === 2, 5000, 'A to see the B user');

    process.kill(b.pid, 'SIGKILL');
    await b.exited;
    b = await startServer({ env: env('ctrl-b', db) }); // at once: B's alive key has not lapsed yet
    await waitFor(() => updates.at(-1)?.participants.length === 1, NODE_TTL_MS + GRACE_MS + 10_000, 'B user gone');
    expect(await redis.keys(`${prefix}:presence:node:ctrl-b:*`)).toEqual([]);
  }, 60_000);
});
