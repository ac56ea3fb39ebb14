/**
 * Issue 12 (part 1): one room across the mediasoup workers of one process. The real built server
 * with MEDIASOUP_WORKERS=2 and MEDIA_ROUTER_SPILL_LOAD=1 (every room spills onto both workers),
 * four Node WebRTC peers (packages/webrtc-peer: mediasoup-client + werift, real ICE/DTLS/SRTP).
 * Streams between peers homed on different workers cross by pipeToRouter; a killed worker resets
 * only the peers homed on it. The scenarios run in order on one server (2 cores).
 */
import type { AdminStatsSnapshot, AuthResponse } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import {
  createAdmin,
  createTestDatabase,
  startServer,
  waitFor,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';
import { closeAllSockets, createRoom, http, registerUser, uniqueName } from './helpers/chat-client.js';
import { allReceiving, expectedCounts } from './helpers/peer-streams.js';

const PASSWORD = 'correct horse battery';
let db: TestDatabase;
let server: ServerProcess;
let admin: AuthResponse;
let roomId: number;
const peers: MiniMeetPeer[] = [];
let seq = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

async function startPeer(): Promise<MiniMeetPeer> {
  const peer = new MiniMeetPeer({
    url: server.url,
    roomId,
    username: `mmw_${process.pid % 10000}_${++seq}`,
    password: PASSWORD,
  });
  await peer.start();
  return peer;
}

async function adminStats(): Promise<AdminStatsSnapshot> {
  const res = await http<AdminStatsSnapshot>(server.url, 'GET', '/admin/stats', { token: admin.accessToken });
  expect(res.status).toBe(200);
  return res.body;
}

/** The first admin snapshot whose room entry passes `check`. */
function roomSnapshot(check: (s: AdminStatsSnapshot, room: AdminStatsSnapshot['rooms'][number]) => boolean) {
  return waitFor(async () => {
    const s = await adminStats();
    const room = s.rooms.find((r) => r.id === roomId);
    return room && check(s, room) ? { snapshot: s, room } : undefined;
  }, 20_000);
}

/** Worker pid each peer's media lives on, from the admin snapshot (by user id). */
function homes(room: AdminStatsSnapshot['rooms'][number]): Map<number, number | null> {
  return new Map(room.peers.map((p) => [p.userId, p.workerPid ?? null]));
}

beforeAll(async () => {
  db = await createTestDatabase('sqlite');
  const adminName = uniqueName('mmwadmin');
  server = await startServer({
    env: {
      DATABASE_URL: db.url,
      MEDIASOUP_WORKERS: '2',
      MEDIA_ROUTER_SPILL_LOAD: '1',
      RTC_MIN_PORT: '45100',
      RTC_MAX_PORT: '45149',
      ADMIN_STATS_INTERVAL_MS: '500',
      PRESENCE_GRACE_MS: '3000',
      AUTH_RATE_LIMIT: '1000',
      REDIS_KEY_PREFIX: `mmw-${process.pid}`,
    },
  });
  await createAdmin(db.url, adminName, PASSWORD);
  const login = await http<AuthResponse>(server.url, 'POST', '/auth/login', {
    body: { username: adminName, password: PASSWORD },
  });
  expect(login.status).toBe(200);
  admin = login.body;
  const owner = await registerUser(server.url, 'mmwowner');
  roomId = (await createRoom(server.url, owner.accessToken, 'workers', 8)).id;
});

afterAll(async () => {
  for (const p of peers) await p.close();
  closeAllSockets();
  await server?.stop();
  await db?.drop();
});

describe('a room across two mediasoup workers', () => {
  it('homes its peers on both workers and every peer receives every stream', async () => {
    for (let i = 0; i < 4; i++) peers.push(await startPeer());
    await until(() => allReceiving(peers), 20_000, 'all 12 audio+video pairs flowing');
    for (const p of peers) expect(p.openStreams()).toHaveLength(6);

    const { snapshot, room } = await roomSnapshot((_, r) => r.peers.length === 4 && (r.routers?.length ?? 0) === 2);
    const workerPids = snapshot.workers.filter((w) => w.alive).map((w) => w.pid);
    expect(workerPids).toHaveLength(2);
    // One router of the room on each worker, and peers homed on both.
    expect(room.routers!.map((r) => r.workerPid).sort()).toEqual([...workerPids].sort());
    expect(room.routers!.every((r) => r.peers >= 1)).toBe(true);
    expect(room.routers!.reduce((n, r) => n + r.peers, 0)).toBe(4);
    const home = homes(room);
    for (const p of peers) expect(workerPids).toContain(home.get(p.user.id));

    // Packets keep flowing on every stream, the cross-worker ones included.
    const streams = peers.flatMap((p) => p.openStreams());
    const before = streams.map((s) => s.packets);
    await until(
      () => streams.every((s, i) => s.packets > before[i]! + 20),
      10_000,
      'packets still rising on every stream',
    );
    for (const s of streams) expect(s.closed).toBe(false);
    // The room's object counts leave out the pipes between its routers.
    const st = await peers[0]!.request('getMediaStats', { roomId });
    expect(st.room).toEqual(expectedCounts(peers));
    for (const c of st.consumers) expect(c.byteCount).toBeGreaterThan(1000);
  });

  it('a killed worker resets only the peers homed on it; the others keep their streams', async () => {
    const { room } = await roomSnapshot((_, r) => r.peers.length === 4);
    const home = homes(room);
    // The worker with the fewest peers (at least one): at least two peers remain to keep streaming.
    const victimPid = [...room.routers!].filter((r) => r.peers >= 1).sort((x, y) => x.peers - y.peers)[0]!.workerPid;
    const lost = peers.filter((p) => home.get(p.user.id) === victimPid);
    const kept = peers.filter((p) => home.get(p.user.id) !== victimPid);
    expect(lost.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeGreaterThanOrEqual(2);

    const lostProducerIds = new Set(lost.flatMap((p) => [...p.producers.values()].map((x) => x.id)));
    const closedSeen = new Map<MiniMeetPeer, Set<string>>(kept.map((p) => [p, new Set<string>()]));
    for (const p of kept) p.on('producerClosed', ({ producerId }) => closedSeen.get(p)!.add(producerId));
    // The streams between the kept peers, as objects: the same consumers must keep counting.
    const keptStreams = kept.flatMap((p) =>
      p.openStreams().filter((s) => kept.some((q) => q !== p && q.user.id === s.userId)),
    );
    expect(keptStreams.length).toBeGreaterThanOrEqual(2);
    const resets = lost.map((p) => new Promise<void>((resolve) => p.once('mediaReset', () => resolve())));
    const keptBefore = keptStreams.map((s) => s.packets);

    const killedAt = Date.now();
    process.kill(victimPid, 'SIGKILL');
    await Promise.all(resets);

    // The kept peers learn that the lost peers' producers closed, and drop those streams.
    await until(
      () => kept.every((p) => [...lostProducerIds].every((id) => closedSeen.get(p)!.has(id))),
      5000,
      'producerClosed for the lost peers’ producers',
    );
    // Their own streams never stopped: the same consumers, still open, keep counting packets.
    await until(
      () => keptStreams.every((s, i) => s.closed || s.packets > keptBefore[i]! + 20),
      10_000,
      'packets on the streams between the kept peers',
    );
    for (const s of keptStreams) expect(s.closed, `${s.kind} stream from user ${s.userId}`).toBe(false);

    // The reset peers rebuild: everyone receives everyone again.
    await until(
      () => lost.every((p) => p.producers.size === 2) && allReceiving(peers, killedAt),
      20_000,
      'media again between all peers after the worker died',
    );
    for (const p of lost) expect(p.mediaResets).toBe(1);
    for (const p of kept) expect(p.mediaResets).toBe(0);
    for (const p of peers) expect(p.openStreams()).toHaveLength(6);
    const st = await kept[0]!.request('getMediaStats', { roomId });
    expect(st.room).toEqual(expectedCounts(peers));

    // Admin stats: the dead worker holds none of the room any more.
    const after = await roomSnapshot(
      (_, r) => r.peers.length === 4 && r.peers.every((p) => typeof p.workerPid === 'number' && p.workerPid !== victimPid),
    );
    expect(after.room.routers!.map((r) => r.workerPid)).not.toContain(victimPid);
    expect(after.room.routers!.reduce((n, r) => n + r.peers, 0)).toBe(4);
    for (const p of kept) expect(homes(after.room).get(p.user.id)).toBe(home.get(p.user.id));
    expect((await server.request('/api/health')).status).toBe(200);
  });
});
