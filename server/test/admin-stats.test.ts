/**
 * Issue 7 (admin view): GET /api/admin/stats and the admin:stats socket feed, on the real built
 * server with two Node WebRTC peers (packages/webrtc-peer) in a call, on SQLite and MariaDB (room
 * names, running calls and usernames come from the database).
 */
import {
  ErrorCode,
  type AdminRoomStats,
  type AdminStatsSnapshot,
  type AuthResponse,
  type CallSessionsResponse,
} from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import {
  connect,
  createRoom,
  http,
  record,
  registerUser,
  request,
  sleep,
  uniqueName,
} from './helpers/chat-client.js';
import { closeMediaTest, expectAdminOnlyGet, loginNewAdmin } from './helpers/media-test-server.js';
import {
  createTestDatabase,
  DB_KINDS,
  startServer,
  waitFor,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';

const PASSWORD = 'correct horse battery';
const INTERVAL_MS = 500;

describe.each(DB_KINDS)('admin stats (%s)', (kind) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let admin: AuthResponse;
  let user: AuthResponse;
  const peers: MiniMeetPeer[] = [];

  const stats = async () => {
    const res = await http<AdminStatsSnapshot>(server.url, 'GET', '/admin/stats', {
      token: admin.accessToken,
    });
    expect(res.status).toBe(200);
    return res.body;
  };
  /** The first snapshot taken after `after` (ISO time) that passes `check`. */
  const nextSnapshot = (after: string, check: (s: AdminStatsSnapshot) => boolean = () => true) =>
    waitFor(async () => {
      const s = await stats();
      return s.takenAt > after && check(s) ? s : undefined;
    }, 20_000);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    server = await startServer({
      env: {
        DATABASE_URL: db.url,
        ADMIN_STATS_INTERVAL_MS: String(INTERVAL_MS),
        MEDIASOUP_WORKERS: '1',
        AUTH_RATE_LIMIT: '1000',
        // Disconnected peers leave quickly, so the empty-room check does not wait 10 s.
        PRESENCE_GRACE_MS: '1000',
      },
    });
    const reg = await loginNewAdmin(server.url, db.url, PASSWORD);
    expect(reg.status).toBe(200);
    admin = reg.body;
    expect(admin.user.role).toBe('admin');
    user = await registerUser(server.url, 'plain');
  });

  afterAll(() => closeMediaTest(peers, server, db));

  it('GET /api/admin/stats: 401 without a token, 403 for a user, the latest snapshot for an admin', async () => {
    await expectAdminOnlyGet(server.url, '/admin/stats', user.accessToken);

    const s = await stats();
    expect(Date.parse(s.takenAt)).toBeGreaterThan(Date.now() - 30_000);
    expect(s.server.pid).toBe(server.pid);
    expect(s.server.rssBytes).toBeGreaterThan(10_000_000);
    expect(s.server.cpuMs).toBeGreaterThan(0);
    expect(s.workers).toHaveLength(1);
    expect(s.workers[0]).toMatchObject({ alive: true, routers: 0, responding: true });
    expect(s.workers[0]!.rssBytes).toBeGreaterThan(1_000_000);
    expect(s.rooms).toEqual([]);
    expect(s.totals).toEqual({
      rooms: 0,
      peers: 0,
      transports: 0,
      producers: { audio: 0, video: 0 },
      consumers: { audio: 0, video: 0 },
      bitrateIn: 0,
      bitrateOut: 0,
      consumerPackets: 0,
    });
    // Snapshots keep coming on the timer; a request only reads the latest one.
    const later = await nextSnapshot(s.takenAt);
    expect(later.intervalMs).toBeGreaterThan(0);
    expect(later.server.cpuMs).toBeGreaterThanOrEqual(s.server.cpuMs);
  });

  it('admin:subscribe: FORBIDDEN for a user; an admin gets the snapshot, then admin:stats every interval until admin:unsubscribe', async () => {
    const userSocket = await connect(server.url, user.accessToken);
    const userEvents = record(userSocket, 'admin:stats');
    const refused = await request(userSocket, 'admin:subscribe', {});
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    const refusedUnsub = await request(userSocket, 'admin:unsubscribe', {});
    expect(refusedUnsub).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });

    const adminSocket = await connect(server.url, admin.accessToken);
    const events = record(adminSocket, 'admin:stats');
    const bad = await request(adminSocket, 'admin:subscribe', { roomId: 1 } as unknown as Record<
      string,
      never
    >);
    expect(bad).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION } });
    const ack = await request(adminSocket, 'admin:subscribe', {});
    if (!ack.ok) throw new Error(ack.error.message);
    expect(ack.data.intervalMs).toBe(INTERVAL_MS);
    expect(ack.data.snapshot?.workers).toHaveLength(1);
    await waitFor(() => (events.length >= 3 ? true : undefined), 10_000);
    const times = events.map((e) => e.takenAt);
    expect([...times].sort()).toEqual(times);
    expect(new Set(times).size).toBe(times.length);
    expect(times[0]! > ack.data.snapshot!.takenAt).toBe(true);
    expect(events[0]!.workers[0]!.pid).toBe(ack.data.snapshot!.workers[0]!.pid);

    const unsub = await request(adminSocket, 'admin:unsubscribe', {});
    expect(unsub).toEqual({ ok: true, data: {} });
    const count = events.length;
    await sleep(INTERVAL_MS * 3);
    expect(events.length).toBe(count);
    expect(userEvents).toEqual([]);
    userSocket.close();
    adminSocket.close();
  });

  it('two Node peers in a call: the room, its call, both users, and producer/consumer bitrates from byte deltas', async () => {
    const roomName = `stats ${kind}`;
    const roomId = (await createRoom(server.url, user.accessToken, roomName, 8)).id;
    const adminSocket = await connect(server.url, admin.accessToken);
    const events = record(adminSocket, 'admin:stats');
    expect((await request(adminSocket, 'admin:subscribe', {})).ok).toBe(true);

    for (let i = 0; i < 2; i++) {
      const peer = new MiniMeetPeer({
        url: server.url,
        roomId,
        username: uniqueName('peer'),
        password: PASSWORD,
      });
      peers.push(peer);
      await peer.start();
    }
    const usernames = peers.map((p) => p.user.username).sort();

    const flowing = (r: AdminRoomStats | undefined) =>
      r !== undefined &&
      r.peers.length === 2 &&
      r.peers.every(
        (p) =>
          p.producers.length === 2 &&
          p.consumers.length === 2 &&
          [...p.producers, ...p.consumers].every((o) => o.bitrate > 0),
      );
    const roomOf = (s: AdminStatsSnapshot) => s.rooms.find((r) => r.id === roomId);
    const first = await nextSnapshot('', (s) => flowing(roomOf(s)));
    const second = await nextSnapshot(first.takenAt, (s) => flowing(roomOf(s)));
    const [r1, r2] = [roomOf(first)!, roomOf(second)!];

    // Who and where
    expect(r2.name).toBe(roomName);
    expect(r2.peers.map((p) => p.username).sort()).toEqual(usernames);
    expect(r2.peers.map((p) => p.userId).sort()).toEqual(peers.map((p) => p.user.id).sort());
    expect(second.workers.map((w) => w.pid)).toContain(r2.workerPid);
    expect(second.workers[0]!.routers).toBeGreaterThanOrEqual(1);
    const calls = await http<CallSessionsResponse>(server.url, 'GET', '/admin/calls', {
      token: admin.accessToken,
    });
    expect(calls.status).toBe(200);
    const running = calls.body.calls.find((c) => c.roomId === roomId && c.endedAt === null);
    expect(running).toBeDefined();
    expect(r2.callSessionId).toBe(running!.id);

    // What flows
    const producerIds = new Set(peers.flatMap((p) => [...p.producers.values()].map((x) => x.id)));
    for (const p of r2.peers) {
      expect(p.transports).toBe(2);
      expect(p.producers.map((x) => x.kind).sort()).toEqual(['audio', 'video']);
      expect(p.consumers.map((x) => x.kind).sort()).toEqual(['audio', 'video']);
      for (const pr of p.producers) {
        expect(producerIds.has(pr.id)).toBe(true);
        expect(pr.codec).toMatch(pr.kind === 'audio' ? /^audio\/opus$/i : /^video\//);
        expect(pr.source).toBe(pr.kind === 'audio' ? 'mic' : 'camera');
        expect(pr.paused).toBe(false);
        expect(pr.score).toBeGreaterThanOrEqual(0);
        expect(pr.score).toBeLessThanOrEqual(10);
      }
      for (const c of p.consumers) {
        // Each peer consumes the other's producers, never its own.
        const other = r2.peers.find((q) => q !== p)!;
        expect(other.producers.map((x) => x.id)).toContain(c.producerId);
        expect(c.packetLoss).toBeGreaterThanOrEqual(0);
        expect(c.packetLoss).toBeLessThanOrEqual(100);
        expect(c.spatialLayer === null || Number.isInteger(c.spatialLayer)).toBe(true);
      }
    }

    // Between two snapshots every stream's counters grew, and the bitrate is what the byte
    // delta over the interval says (per-object read times differ slightly from intervalMs).
    expect(second.intervalMs).toBeGreaterThan(0);
    const objects = (r: AdminRoomStats) =>
      new Map(r.peers.flatMap((p) => [...p.producers, ...p.consumers]).map((o) => [o.id, o]));
    const before = objects(r1);
    const after = objects(r2);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [id, o] of after) {
      const prev = before.get(id)!;
      expect(o.bytes, id).toBeGreaterThan(prev.bytes);
      expect(o.packets, id).toBeGreaterThan(prev.packets);
      expect(o.bitrate, id).toBeGreaterThan(0);
      if (second.intervalMs >= INTERVAL_MS / 2 && first.takenAt !== second.takenAt) {
        const fromDelta = ((o.bytes - prev.bytes) * 8 * 1000) / second.intervalMs;
        expect(o.bitrate / fromDelta, id).toBeGreaterThan(0.5);
        expect(o.bitrate / fromDelta, id).toBeLessThan(2);
      }
    }
    const rates = (r: AdminRoomStats) => [...objects(r).values()].map((o) => o.bitrate);
    expect(rates(r2)).not.toEqual(rates(r1));
    expect(r2.bitrateIn).toBe(r2.peers.flatMap((p) => p.producers).reduce((n, x) => n + x.bitrate, 0));
    expect(r2.bitrateOut).toBe(r2.peers.flatMap((p) => p.consumers).reduce((n, x) => n + x.bitrate, 0));
    expect(second.totals).toMatchObject({
      rooms: 1,
      peers: 2,
      transports: 4,
      producers: { audio: 2, video: 2 },
      consumers: { audio: 2, video: 2 },
      bitrateIn: r2.bitrateIn,
      bitrateOut: r2.bitrateOut,
    });
    expect(second.totals.consumerPackets).toBeGreaterThan(first.totals.consumerPackets);

    // The socket feed carries the same data.
    await waitFor(() => (events.some((e) => flowing(roomOf(e))) ? true : undefined), 10_000);

    // Peers gone: the room leaves the snapshot.
    for (const p of peers.splice(0)) await p.close();
    const empty = await nextSnapshot(second.takenAt, (s) => roomOf(s) === undefined);
    expect(empty.totals.peers).toBe(0);
    adminSocket.close();
  });

  it('a hung worker (SIGSTOP) does not stall the snapshots; its numbers come back after SIGCONT', async () => {
    const before = await stats();
    const pid = before.workers[0]!.pid;
    process.kill(pid, 'SIGSTOP');
    try {
      // getResourceUsage never answers now: each collection gives up on it after its timeout,
      // and snapshots keep coming with the worker's last known numbers.
      const hung = await nextSnapshot(before.takenAt, (s) => s.workers[0]!.responding === false);
      const next = await nextSnapshot(hung.takenAt);
      expect(next.workers[0]).toMatchObject({ pid, alive: true, responding: false, cpuPercent: 0 });
      expect(next.workers[0]!.cpuMs).toBe(hung.workers[0]!.cpuMs);
      expect(next.workers[0]!.rssBytes).toBeGreaterThan(0);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const health = await http<{ workers: Array<{ pid: number; alive: boolean }> }>(
      server.url,
      'GET',
      '/health',
      { token: admin.accessToken }, // details (worker pids) are for admins
    );
    expect(health.body.workers).toEqual([expect.objectContaining({ pid, alive: true })]);
    const resumed = await nextSnapshot(before.takenAt, (s) => s.workers[0]!.responding === true);
    expect(resumed.workers[0]!.cpuMs).toBeGreaterThanOrEqual(before.workers[0]!.cpuMs);
  });
});
