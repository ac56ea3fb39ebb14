/**
 * Issue 19 item 4, large meetings: raise hand (ordered queue, lowered by self or a moderator),
 * emoji reactions (rate limited per user), mute everyone and the join-muted room setting (real
 * producers from Node WebRTC peers). Real built server, real Socket.IO clients, SQLite and MariaDB.
 */
import { ErrorCode, type AuthResponse, type RoomDto } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import { DB_KINDS } from '@minimeet/test-harness';
import {
  closeAllSockets,
  connect,
  createRoom,
  http,
  joinedSocket,
  okData,
  rawRequest,
  record,
  refusedWith,
  registerUser,
  request,
  waitFor,
  type ClientSocket,
} from './helpers/chat-client.js';
import { startChatTarget, type ChatTarget } from './helpers/chat-server.js';

const REACTIONS_PER_WINDOW = 3;

describe.each(DB_KINDS)('raise hand, reactions, mute all, join muted (%s)', (kind) => {
  let target: ChatTarget;
  let url: string;

  beforeAll(async () => {
    target = await startChatTarget(kind, {
      REACTION_RATE_LIMIT: String(REACTIONS_PER_WINDOW),
      REACTION_RATE_WINDOW_MS: '60000',
    });
    url = target.url;
  }, 60_000);

  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
  });

  const joined = (user: AuthResponse, roomId: number) => joinedSocket(url, user, roomId);

  function peer(roomId: number, name: string): MiniMeetPeer {
    return new MiniMeetPeer({
      url,
      roomId,
      username: `${name}_${process.pid % 10000}_${kind}_${Math.random().toString(36).slice(2, 6)}`,
      password: 'correct horse battery',
      reconnection: false,
    });
  }

  it('hands form one queue in raise order; self or a moderator lowers; a newcomer gets the queue on join', async () => {
    const owner = await registerUser(url, 'owner');
    const [a, b, c] = [await registerUser(url, 'ha'), await registerUser(url, 'hb'), await registerUser(url, 'hc')];
    const room = await createRoom(url, owner.accessToken, 'hands');
    const ownerSocket = await joined(owner, room.id);
    const queues = record(ownerSocket, 'handQueue');
    const [sa, sb, sc] = [await joined(a, room.id), await joined(b, room.id), await joined(c, room.id)];

    for (const s of [sa, sb, sc]) okData(await request(s, 'raiseHand', { roomId: room.id }));
    const order = [a.user.id, b.user.id, c.user.id];
    await waitFor(() => queues.length === 3, 5000, 'three queue updates');
    expect(queues[2]!.hands.map((h) => h.userId)).toEqual(order);
    expect(queues[2]!.hands[0]).toMatchObject({ userId: a.user.id, username: a.user.username });

    // Raising again keeps the place and announces nothing.
    const again = okData(await request(sa, 'raiseHand', { roomId: room.id }));
    expect(again.hands.map((h) => h.userId)).toEqual(order);

    // A participant lowers their own hand; lowering someone else's is the moderators'.
    expect(okData(await request(sb, 'lowerHand', { roomId: room.id })).hands.map((h) => h.userId)).toEqual([a.user.id, c.user.id]);
    refusedWith(await request(sc, 'lowerHand', { roomId: room.id, userId: a.user.id }), ErrorCode.FORBIDDEN);
    expect(okData(await request(ownerSocket, 'lowerHand', { roomId: room.id, userId: a.user.id })).hands.map((h) => h.userId)).toEqual([
      c.user.id,
    ]);
    await waitFor(() => queues.length === 5, 5000, 'queue updates for two lowerings');
    expect(queues.slice(3).map((q) => q.hands.map((h) => h.userId))).toEqual([[a.user.id, c.user.id], [c.user.id]]);

    // Someone joining now gets the queue with the join answer.
    const late = await registerUser(url, 'late');
    const lateSocket = await connect(url, late.accessToken);
    const join = okData(await request(lateSocket, 'joinRoom', { roomId: room.id }));
    expect(join.hands?.map((h) => h.userId)).toEqual([c.user.id]);

    // A user who leaves takes their hand down.
    okData(await request(sc, 'leaveRoom', { roomId: room.id }));
    await waitFor(() => queues.at(-1)?.hands.length === 0, 5000, 'hand lowered on leave');

    // Not in the room: NOT_IN_ROOM.
    const outsider = await connect(url, (await registerUser(url, 'out')).accessToken);
    refusedWith(await request(outsider, 'raiseHand', { roomId: room.id }), ErrorCode.NOT_IN_ROOM);
  });

  it('reactions reach everyone in the room, only from the fixed set, and are rate limited per user', async () => {
    const owner = await registerUser(url, 'owner');
    const fan = await registerUser(url, 'fan');
    const room = await createRoom(url, owner.accessToken, 'reactions');
    const ownerSocket = await joined(owner, room.id);
    const fanSocket = await joined(fan, room.id);
    const seen = record(ownerSocket, 'reaction');

    for (let i = 0; i < REACTIONS_PER_WINDOW; i++) okData(await request(fanSocket, 'sendReaction', { roomId: room.id, emoji: '👏' }));
    await waitFor(() => seen.length === REACTIONS_PER_WINDOW, 5000, 'reactions delivered');
    expect(seen[0]).toEqual({ roomId: room.id, userId: fan.user.id, emoji: '👏' });

    const limited = await request(fanSocket, 'sendReaction', { roomId: room.id, emoji: '🎉' });
    refusedWith(limited, ErrorCode.RATE_LIMITED);
    expect(!limited.ok && (limited.error.details?.retryAfterMs ?? 0) > 0).toBe(true);
    // The limit is the sender's: the owner still reacts.
    okData(await request(ownerSocket, 'sendReaction', { roomId: room.id, emoji: '👍' }));
    refusedWith(await rawRequest(ownerSocket, 'sendReaction', { roomId: room.id, emoji: '💩' }), ErrorCode.VALIDATION);
  });

  it('mute all pauses every other microphone on the server (moderators only); each may unmute', async () => {
    const owner = await registerUser(url, 'owner');
    const room = await createRoom(url, owner.accessToken, 'muteall');
    const ownerSocket = await joined(owner, room.id);
    const peers = [peer(room.id, 'ma'), peer(room.id, 'mb')];
    try {
      for (const p of peers) await p.start();
      const [pa, pb] = peers as [MiniMeetPeer, MiniMeetPeer];
      refusedWith(await pa.rawRequest('muteAll', { roomId: room.id }), ErrorCode.FORBIDDEN);

      const muted = peers.map((p) => record(p.socket as unknown as ClientSocket, 'moderatorMuted'));
      okData(await request(ownerSocket, 'muteAll', { roomId: room.id }));
      await waitFor(() => muted.every((m) => m.length === 1), 5000, 'both told they were muted');
      expect(muted[0]![0]).toMatchObject({ roomId: room.id, source: 'mic', byUserId: owner.user.id });
      for (const p of peers) {
        const stats = await p.request('getMediaStats', { roomId: room.id });
        expect(stats.producers.find((s) => s.producerId === p.producers.get('mic')!.id)?.paused).toBe(true);
        expect(stats.producers.find((s) => s.producerId === p.producers.get('camera')!.id)?.paused).toBe(false);
      }
      await pb.resumeProducer('mic');
      const stats = await pb.request('getMediaStats', { roomId: room.id });
      expect(stats.producers.find((s) => s.producerId === pb.producers.get('mic')!.id)?.paused).toBe(false);
    } finally {
      await Promise.all(peers.map((p) => p.close()));
    }
  });

  it('join muted (moderators set it): a new joiner starts with the microphone paused on the server, the owner does not', async () => {
    const owner = await registerUser(url, 'owner');
    const other = await registerUser(url, 'other');
    const room = await createRoom(url, owner.accessToken, 'joinmuted');
    const forbidden = await http(url, 'PATCH', `/rooms/${room.id}`, { token: other.accessToken, body: { joinMuted: true } });
    expect(forbidden.status).toBe(403);

    const ownerSocket = await joined(owner, room.id);
    const updates = record(ownerSocket, 'roomUpdated');
    const res = await http<RoomDto>(url, 'PATCH', `/rooms/${room.id}`, { token: owner.accessToken, body: { joinMuted: true } });
    expect(res.status).toBe(200);
    expect(res.body.joinMuted).toBe(true);
    await waitFor(() => updates.some((u) => u.room.joinMuted), 5000, 'roomUpdated with joinMuted');
    expect((await http<RoomDto>(url, 'GET', `/rooms/${room.id}`, { token: other.accessToken })).body.joinMuted).toBe(true);

    // The owner's own join is not muted; a participant's is.
    const ownerAgain = await connect(url, owner.accessToken);
    expect(okData(await request(ownerAgain, 'joinRoom', { roomId: room.id })).joinMuted).toBe(false);
    const probe = await connect(url, other.accessToken);
    expect(okData(await request(probe, 'joinRoom', { roomId: room.id })).joinMuted).toBe(true);

    const joiner = peer(room.id, 'jm');
    const watcher = peer(room.id, 'jw');
    try {
      await watcher.start();
      await joiner.start();
      const micId = joiner.producers.get('mic')!.id;
      let stats = await joiner.request('getMediaStats', { roomId: room.id });
      expect(stats.producers.find((s) => s.producerId === micId)?.paused).toBe(true);
      expect(stats.producers.find((s) => s.producerId === joiner.producers.get('camera')!.id)?.paused).toBe(false);
      // The joiner may unmute themselves (on the wire: resumeProducer of their microphone).
      await joiner.request('resumeProducer', { producerId: micId });
      stats = await joiner.request('getMediaStats', { roomId: room.id });
      expect(stats.producers.find((s) => s.producerId === micId)?.paused).toBe(false);
    } finally {
      await Promise.all([joiner.close(), watcher.close()]);
    }
  });
});
