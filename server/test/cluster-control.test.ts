import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllSockets,
  connect,
  createRoom,
  followRoom,
  http,
  okData,
  record,
  registerUser,
  request,
  waitFor,
  type ClientSocket,
} from './helpers/chat-client.js';
import { chatEnv } from './helpers/chat-server.js';
import {
  createAdmin,
  createTestDatabase,
  startServer,
  waitFor as pollUntil,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';
import type { AdminStatsSnapshot, AuthResponse } from '@minimeet/shared';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NODE_TTL_MS = 3000;
const GRACE_MS = 2000;
const ADMIN_PASSWORD = 'cluster-admin-password-1';

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
      // One test opens 12 sockets per user on purpose (above the default MAX_SOCKETS_PER_USER).
      MAX_SOCKETS_PER_USER: '20',
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

  it('users joining one empty room on both nodes at once open exactly one call session', async () => {
    // Many rooms at once, each joined by one user on A and one on B in the same instant: each
    // room is one race between the nodes to open its call.
    const [onA, onB] = await users(2, 'call_');
    const rooms = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createRoom(a.url, onA!.accessToken, `one call ${i}`, 16)),
    );
    const pairs = await Promise.all(
      rooms.map(async () => [await connect(a.url, onA!.accessToken), await connect(b.url, onB!.accessToken)] as const),
    );
    const joins = await Promise.all(
      pairs.flatMap((pair, i) => pair.map((s) => request(s, 'joinRoom', { roomId: rooms[i]!.id }))),
    );
    for (const j of joins) okData(j);
    for (const room of rooms) expect(await openCalls(room.id), `open calls of room ${room.id}`).toBe(1);
    closeAllSockets();
    for (const room of rooms) {
      await pollUntil(async () => ((await openCalls(room.id)) === 0 ? true : undefined), GRACE_MS + 5000);
    }
  });

  it('the database itself refuses a second open call session for a room', async () => {
    const [owner] = await users(1, 'uq_');
    const room = await createRoom(a.url, owner!.accessToken, 'unique open call');
    const conn = await mysql.createConnection(db.url);
    try {
      const insert = 'INSERT INTO call_sessions (roomId, openRoomId, startedAt, peakParticipants) VALUES (?, ?, NOW(), 1)';
      await conn.query(insert, [room.id, room.id]);
      await expect(conn.query(insert, [room.id, room.id])).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
      // Ended sessions (openRoomId NULL) are as many as calls were held.
      await conn.query('UPDATE call_sessions SET openRoomId = NULL, endedAt = NOW() WHERE roomId = ?', [room.id]);
      await conn.query(insert, [room.id, room.id]);
      await conn.query('UPDATE call_sessions SET openRoomId = NULL, endedAt = NOW() WHERE roomId = ?', [room.id]);
    } finally {
      await conn.end();
    }
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

  it('admin stats list both nodes with their load, and the nodes hosting each room', async () => {
    const adminName = `ctrladmin${randomBytes(3).toString('hex')}`;
    await createAdmin(db.url, adminName, ADMIN_PASSWORD);
    const login = await http<AuthResponse>(a.url, 'POST', '/auth/login', {
      body: { username: adminName, password: ADMIN_PASSWORD },
    });
    expect(login.status).toBe(200);
    const [u1, u2] = await users(2, 'adm_');
    const room = await createRoom(a.url, u1!.accessToken, 'placement', 5);
    okData(await request(await connect(a.url, u1!.accessToken), 'joinRoom', { roomId: room.id }));
    okData(await request(await connect(b.url, u2!.accessToken), 'joinRoom', { roomId: room.id }));

    const snapshot = await pollUntil(async () => {
      const res = await http<AdminStatsSnapshot>(a.url, 'GET', '/admin/stats', { token: login.body.accessToken });
      const s = res.body;
      const here = s.nodes?.find((n) => n.id === 'ctrl-a');
      const placed = s.rooms.find((r) => r.id === room.id)?.nodes?.join();
      return here && here.load > 0 && here.rooms > 0 && placed === 'ctrl-a,ctrl-b' ? s : undefined;
    }, 15_000);
    expect(snapshot.nodes?.map((n) => [n.id, n.alive, n.self])).toEqual([
      ['ctrl-a', true, true],
      ['ctrl-b', true, false],
    ]);
    expect(snapshot.nodes?.every((n) => n.pipeAddress.length > 0)).toBe(true);
  });

  it('kill -9 of B: A sees B’s users leave within TTL + grace, no presence of that boot is left; B comes back', async () => {
    const [onAUser, onBUser1, onBUser2] = await users(3, 'kill_');
    const room = await createRoom(a.url, onAUser!.accessToken, 'node death', 10);
    const sa = await connect(a.url, onAUser!.accessToken);
    const followed = await followRoom(sa, { roomId: room.id });
    for (const u of [onBUser1!, onBUser2!]) {
      const s = await connect(b.url, u.accessToken);
      okData(await request(s, 'joinRoom', { roomId: room.id }));
    }
    await waitFor(() => followed.ids().length === 3, 5000, 'A to see both B users');
    const bootKeys = await redis.keys(`${prefix}:presence:node:ctrl-b:*`);
    expect(bootKeys).toHaveLength(1);

    process.kill(b.pid, 'SIGKILL');
    await b.exited;
    await waitFor(
      () => followed.ids().join() === String(onAUser!.user.id),
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
    await waitFor(() => followed.ids().length === 2, 5000, 'A to see the B user back');
    expect(await openCalls(room.id)).toBe(1);
  }, 60_000);

  it('a node restarted before its TTL ran out sweeps its own previous run', async () => {
    const [onAUser, onBUser] = await users(2, 'restart_');
    const room = await createRoom(a.url, onAUser!.accessToken, 'restart', 10);
    const sa = await connect(a.url, onAUser!.accessToken);
    const followed = await followRoom(sa, { roomId: room.id });
    const sb = await connect(b.url, onBUser!.accessToken);
    okData(await request(sb, 'joinRoom', { roomId: room.id }));
    await waitFor(() => followed.ids().length === 2, 5000, 'A to see the B user');

    process.kill(b.pid, 'SIGKILL');
    await b.exited;
    b = await startServer({ env: env('ctrl-b', db) }); // at once: B's alive key has not lapsed yet
    await waitFor(() => followed.ids().length === 1, NODE_TTL_MS + GRACE_MS + 10_000, 'B user gone');
    expect(await redis.keys(`${prefix}:presence:node:ctrl-b:*`)).toEqual([]);
  }, 60_000);
});

describe('one open call session per room on SQLite', () => {
  it('the migrated schema refuses a second open session for a room, and allows many ended ones', async () => {
    const db = await createTestDatabase('sqlite');
    try {
      const server = await startServer({ env: chatEnv({ DATABASE_URL: db.url }) }); // runs the migrations
      const owner = await registerUser(server.url, 'sq_');
      const room = await createRoom(server.url, owner.accessToken, 'sqlite unique');
      await server.stop();
      const sqlite = new Database(db.url.slice('sqlite:'.length));
      try {
        const insert = sqlite.prepare(
          `INSERT INTO call_sessions (roomId, openRoomId, startedAt, endedAt, peakParticipants) VALUES (?, ?, '2026-01-01', ?, 1)`,
        );
        insert.run(room.id, null, '2026-01-01');
        insert.run(room.id, null, '2026-01-01');
        insert.run(room.id, room.id, null);
        expect(() => insert.run(room.id, room.id, null)).toThrow(/UNIQUE/);
      } finally {
        sqlite.close();
      }
    } finally {
      await db.drop();
    }
  }, 60_000);
});
