/**
 * Issue 19 items 1 (room sizes) and 2 (signaling that scales with N): a room may hold up to
 * ROOM_MAX_PARTICIPANTS_LIMIT; a joiner gets the participant snapshot once (paged), then only
 * batched participantsDelta events, so what a bystander receives grows linearly with the joins;
 * producer announcements reach only sockets joined with media.
 */
import { ErrorCode, type ApiErrorBody, type AuthResponse, type RoomDto, type RoomLimitsDto } from '@minimeet/shared';
import { DB_KINDS } from '@minimeet/test-harness';
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
  sleep,
  waitFor,
  type ClientSocket,
} from './helpers/chat-client.js';
import { startChatTarget, type ChatTarget } from './helpers/chat-server.js';
import { createTransport, produce } from './security/media-fixtures.js';

const PAGE_SIZE = 30;
const JOINERS = 100;

/** Users registered ten at a time (each registration hashes a password). */
async function registerMany(url: string, n: number, prefix: string): Promise<AuthResponse[]> {
  const out: AuthResponse[] = [];
  while (out.length < n) {
    const batch = Math.min(10, n - out.length);
    out.push(...(await Promise.all(Array.from({ length: batch }, () => registerUser(url, prefix)))));
  }
  return out;
}

/** Counts the payload bytes of every event the socket receives (JSON, as Socket.IO sends it). */
function countBytes(socket: ClientSocket): { bytes: number } {
  const counter = { bytes: 0 };
  socket.onAny((event: string, ...args: unknown[]) => {
    counter.bytes += Buffer.byteLength(JSON.stringify([event, ...args]));
  });
  return counter;
}

describe.each(DB_KINDS)('participant signaling and room sizes (%s)', (kind) => {
  let target: ChatTarget;
  let url: string;
  let owner: AuthResponse;

  beforeAll(async () => {
    target = await startChatTarget(kind, {
      PARTICIPANTS_PAGE_SIZE: String(PAGE_SIZE),
      // Wide enough that a burst of joins on a busy test machine still lands in few batches.
      PARTICIPANTS_DELTA_FLUSH_MS: '300',
      // ~110 sockets from one address and user pairs with two tabs.
      MAX_SOCKETS_PER_IP: '1000',
      SOCKET_HANDSHAKES_PER_MINUTE: '5000',
      MAX_SOCKETS_PER_USER_ROOM: '1',
      ROOM_CREATE_PER_HOUR: '100',
    });
    url = target.url;
    owner = await registerUser(url, 'sizeowner');
  }, 120_000);
  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
  });
  afterEach(() => closeAllSockets());

  it('room sizes: up to ROOM_MAX_PARTICIPANTS_LIMIT on create and PATCH (moderators only), default stays small', async () => {
    const limits = await http<RoomLimitsDto>(url, 'GET', '/rooms/limits', { token: owner.accessToken });
    expect(limits).toEqual({ status: 200, body: { minParticipants: 2, maxParticipants: 200, defaultParticipants: 8 } });

    const tooBig = await http<ApiErrorBody>(url, 'POST', '/rooms', {
      token: owner.accessToken,
      body: { name: 'too big', maxParticipants: 201 },
    });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error.code).toBe(ErrorCode.VALIDATION);
    expect(tooBig.body.error.details?.fields?.maxParticipants).toEqual(['maxParticipants must not be greater than 200']);

    const small = await http<RoomDto>(url, 'POST', '/rooms', { token: owner.accessToken, body: { name: 'default' } });
    expect(small.body.maxParticipants).toBe(8);
    const big = await http<RoomDto>(url, 'POST', '/rooms', {
      token: owner.accessToken,
      body: { name: 'all hands', maxParticipants: 200 },
    });
    expect(big).toMatchObject({ status: 201, body: { maxParticipants: 200 } });

    // A member in the room sees the change; someone else may not make it.
    const member = await registerUser(url, 'sizemember');
    const socket = await connect(url, member.accessToken);
    okData(await request(socket, 'joinRoom', { roomId: small.body.id }));
    const updates = record(socket, 'roomUpdated');
    const forbidden = await http(url, 'PATCH', `/rooms/${small.body.id}`, {
      token: member.accessToken,
      body: { maxParticipants: 100 },
    });
    expect(forbidden.status).toBe(403);
    const over = await http<ApiErrorBody>(url, 'PATCH', `/rooms/${small.body.id}`, {
      token: owner.accessToken,
      body: { maxParticipants: 250 },
    });
    expect(over).toMatchObject({ status: 400, body: { error: { code: ErrorCode.VALIDATION } } });
    const patched = await http<RoomDto>(url, 'PATCH', `/rooms/${small.body.id}`, {
      token: owner.accessToken,
      body: { maxParticipants: 120 },
    });
    expect(patched).toMatchObject({ status: 200, body: { maxParticipants: 120 } });
    await waitFor(() => updates.length === 1, 3000, 'roomUpdated');
    expect(updates[0]!.room).toMatchObject({ id: small.body.id, maxParticipants: 120 });
    const after = await http<RoomDto>(url, 'GET', `/rooms/${small.body.id}`, { token: owner.accessToken });
    expect(after.body.maxParticipants).toBe(120);

    // Lowered under who is present: nobody is removed, the next joiner is turned away.
    const full = await http<RoomDto>(url, 'PATCH', `/rooms/${small.body.id}`, {
      token: owner.accessToken,
      body: { maxParticipants: 2 },
    });
    expect(full.status).toBe(200);
    const ownerSocket = await connect(url, owner.accessToken);
    okData(await request(ownerSocket, 'joinRoom', { roomId: small.body.id }));
    const third = await registerUser(url, 'sizethird');
    const thirdSocket = await connect(url, third.accessToken);
    expect(await request(thirdSocket, 'joinRoom', { roomId: small.body.id })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.ROOM_FULL },
    });
  }, 60_000);

  it(`${JOINERS} join one by one: a bystander's bytes grow linearly; a late joiner pages the snapshot, merges deltas and ends with exactly the right list`, async () => {
    const room = await createRoom(url, owner.accessToken, 'large', 150);
    const bystander = await connect(url, owner.accessToken);
    const counter = countBytes(bystander);
    const watched = await followRoom(bystander, { roomId: room.id });
    expect(watched.data).toMatchObject({ participantsCursor: null, room: { maxParticipants: 150 } });
    const bytesAtStart = counter.bytes;

    const joiners = await registerMany(url, JOINERS + 5, 'lj');
    const sockets: ClientSocket[] = [];
    const joinOne = async (user: AuthResponse) => {
      const socket = await connect(url, user.accessToken);
      okData(await request(socket, 'joinRoom', { roomId: room.id }));
      sockets.push(socket);
    };
    for (const user of joiners.slice(0, JOINERS / 2)) await joinOne(user);
    await waitFor(() => watched.ids().length === JOINERS / 2 + 1, 10_000, 'the bystander to see the first half');
    const firstHalf = counter.bytes - bytesAtStart;
    for (const user of joiners.slice(JOINERS / 2, JOINERS)) await joinOne(user);
    await waitFor(() => watched.ids().length === JOINERS + 1, 10_000, 'the bystander to see everyone');
    const secondHalf = counter.bytes - bytesAtStart - firstHalf;
    const deltas = watched.deltas.length;
    console.info(
      `[${kind}] bystander bytes: joins 1-${JOINERS / 2} ${firstHalf} B, joins ${JOINERS / 2 + 1}-${JOINERS} ${secondHalf} B ` +
        `(ratio ${(secondHalf / firstHalf).toFixed(2)}; whole lists would be ~3), ${deltas} participantsDelta events`,
    );
    // Linear: the second fifty cost about what the first fifty did (whole lists: ~3x).
    expect(secondHalf).toBeLessThan(1.5 * firstHalf);
    // Only deltas reached the bystander: each joiner once, nobody twice (its own join aside).
    const joinedIds = watched.deltas.flatMap((d) => d.joined.map((p) => p.userId)).filter((id) => id !== owner.user.id);
    expect(new Set(joinedIds).size).toBe(JOINERS);
    expect(joinedIds).toHaveLength(JOINERS);
    expect(watched.ids()).toEqual([owner.user.id, ...joiners.slice(0, JOINERS).map((u) => u.user.id)].sort((a, b) => a - b));

    // A late joiner pages the snapshot while ten leave and five more join.
    const late = await registerUser(url, 'late');
    const lateSocket = await connect(url, late.accessToken);
    const leavers = sockets.slice(0, 10);
    const [lateRoom] = await Promise.all([
      followRoom(lateSocket, { roomId: room.id }),
      (async () => {
        for (const s of leavers) okData(await request(s, 'leaveRoom', { roomId: room.id }));
      })(),
      (async () => {
        for (const user of joiners.slice(JOINERS)) await joinOne(user);
      })(),
    ]);
    expect(lateRoom.data.participants.length).toBe(PAGE_SIZE);
    expect(lateRoom.pagesLoaded).toBeGreaterThanOrEqual(3);
    const expected = [
      owner.user.id,
      late.user.id,
      ...joiners.slice(10).map((u) => u.user.id),
    ].sort((a, b) => a - b);
    await waitFor(
      () => lateRoom.ids().join() === expected.join() && watched.ids().join() === expected.join(),
      10_000,
      'both lists to settle',
    );
    await sleep(500); // nothing further arrives that would change them
    expect(lateRoom.ids()).toEqual(expected);
    expect(watched.ids()).toEqual(expected);
    const page = okData(await request(lateSocket, 'loadParticipants', { roomId: room.id, cursor: 0 }));
    expect(page.participants).toHaveLength(PAGE_SIZE);
    expect(page.nextCursor).toBe(page.participants.at(-1)!.userId);
  }, 240_000);

  it('a burst of joins is batched into few participantsDelta events', async () => {
    const room = await createRoom(url, owner.accessToken, 'burst', 50);
    const bystander = await connect(url, owner.accessToken);
    const watched = await followRoom(bystander, { roomId: room.id });
    const users = await registerMany(url, 20, 'burst');
    const sockets = await Promise.all(users.map((u) => connect(url, u.accessToken)));
    await Promise.all(sockets.map((s) => request(s, 'joinRoom', { roomId: room.id }).then(okData)));
    await waitFor(() => watched.ids().length === 21, 10_000, 'all twenty seen');
    expect(watched.deltas.flatMap((d) => d.joined).filter((p) => p.userId !== owner.user.id)).toHaveLength(20);
    expect(watched.deltas.length).toBeLessThan(20);
    console.info(`[${kind}] 20 concurrent joins arrived in ${watched.deltas.length} participantsDelta events`);
  }, 60_000);

  it('a leave and rejoin inside one batch window keeps the user listed; a join and leave inside one removes them', async () => {
    const room = await createRoom(url, owner.accessToken, 'flip', 10);
    const watched = await followRoom(await connect(url, owner.accessToken), { roomId: room.id });
    const [back, brief] = await registerMany(url, 2, 'flip');
    const backSocket = await connect(url, back!.accessToken);
    okData(await request(backSocket, 'joinRoom', { roomId: room.id }));
    await waitFor(() => watched.ids().includes(back!.user.id), 5000, 'the first user listed');
    const seen = watched.deltas.length;
    // Within the 300 ms window: one leaves and comes back, another comes and goes.
    const briefSocket = await connect(url, brief!.accessToken);
    okData(await request(backSocket, 'leaveRoom', { roomId: room.id }));
    okData(await request(briefSocket, 'joinRoom', { roomId: room.id }));
    okData(await request(backSocket, 'joinRoom', { roomId: room.id }));
    okData(await request(briefSocket, 'leaveRoom', { roomId: room.id }));
    await waitFor(() => watched.deltas.length > seen, 5000, 'the batch');
    await sleep(500);
    // Left-then-joined in one batch must be applied in that order (left first) to keep them.
    expect(watched.ids()).toEqual([owner.user.id, back!.user.id].sort((a, b) => a - b));
    const page = okData(await request(backSocket, 'loadParticipants', { roomId: room.id, cursor: 0 }));
    expect(page.participants.map((p) => p.userId)).toEqual(watched.ids());
  }, 30_000);

  it('loadParticipants: only for a joined socket, bad cursors are refused', async () => {
    const room = await createRoom(url, owner.accessToken, 'paging', 10);
    const outsider = await connect(url, (await registerUser(url, 'outsider')).accessToken);
    expect(await request(outsider, 'loadParticipants', { roomId: room.id, cursor: 0 })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_IN_ROOM },
    });
    const socket = await connect(url, owner.accessToken);
    okData(await request(socket, 'joinRoom', { roomId: room.id }));
    const bad = await request(socket, 'loadParticipants', { roomId: room.id, cursor: -1 });
    expect(bad).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION } });
    const page = okData(await request(socket, 'loadParticipants', { roomId: room.id, cursor: 0 }));
    expect(page).toEqual({ roomId: room.id, participants: [{ userId: owner.user.id, username: owner.user.username, role: 'host' }], nextCursor: null });
  });

  it('newProducer / producerClosed reach only sockets joined with media, not a tab refused media', async () => {
    const room = await createRoom(url, owner.accessToken, 'announce', 10);
    const viewer = await registerUser(url, 'viewer');
    const withMedia = await connect(url, viewer.accessToken);
    const secondTab = await connect(url, viewer.accessToken);
    okData(await request(withMedia, 'joinRoom', { roomId: room.id }));
    // MAX_SOCKETS_PER_USER_ROOM=1: the second tab is in the room (chat, presence) without media.
    const second = okData(await request(secondTab, 'joinRoom', { roomId: room.id }));
    expect(second.participants.map((p) => p.userId)).toEqual([viewer.user.id]);
    const announced = [record(withMedia, 'newProducer'), record(secondTab, 'newProducer')];
    const closed = [record(withMedia, 'producerClosed'), record(secondTab, 'producerClosed')];
    const secondDeltas = record(secondTab, 'participantsDelta');

    const sender = await connect(url, owner.accessToken);
    okData(await request(sender, 'joinRoom', { roomId: room.id }));
    const transportId = await createTransport(sender, room.id, 'send');
    const producerId = await produce(sender, transportId, 'mic');
    await waitFor(() => announced[0]!.length === 1, 5000, 'newProducer at the media socket');
    expect(announced[0]![0]).toMatchObject({ roomId: room.id, producerId, userId: owner.user.id, source: 'mic' });
    okData(await request(sender, 'closeProducer', { producerId }));
    await waitFor(() => closed[0]!.length === 1, 5000, 'producerClosed at the media socket');
    // The tab without media still follows who is here.
    await waitFor(() => secondDeltas.some((d) => d.joined.some((p) => p.userId === owner.user.id)), 5000, 'delta');
    await sleep(300);
    expect(announced[1]).toEqual([]);
    expect(closed[1]).toEqual([]);
  }, 60_000);
});
