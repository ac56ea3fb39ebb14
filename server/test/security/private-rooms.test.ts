/**
 * Issue 11 item 5, hostile and unprivileged clients: private rooms and invites, removal, lock,
 * end call, moderator mute (real producers from Node WebRTC peers) and the two room caps.
 * Real built server, real Socket.IO clients, SQLite and MariaDB.
 */
import {
  ErrorCode,
  type ApiErrorBody,
  type AuthResponse,
  type CallSessionsResponse,
  type MessagePage,
  type RoomBanDto,
  type RoomDto,
  type RoomInviteDto,
  type SearchResponse,
} from '@minimeet/shared';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import {
  closeAllSockets,
  connect,
  createRoom,
  http,
  joinedSocket,
  okData,
  record,
  refusedWith,
  registerUser,
  request,
  waitFor,
  type ClientSocket,
} from '../helpers/chat-client.js';
import { DB_KINDS } from '@minimeet/test-harness';
import { signInAdmin, startChatTarget, type ChatTarget } from '../helpers/chat-server.js';

const CREATE_PER_HOUR = 4;
const ROOMS_PER_SOCKET = 3;

describe.each(DB_KINDS)('private rooms and moderation (%s)', (kind) => {
  let target: ChatTarget;
  let url: string;
  let admin: AuthResponse;

  beforeAll(async () => {
    target = await startChatTarget(kind, {
      ROOM_CREATE_PER_HOUR: String(CREATE_PER_HOUR),
      MAX_ROOMS_PER_SOCKET: String(ROOMS_PER_SOCKET),
      // Long enough for a reconnect to land inside it on a busy machine.
      PRESENCE_GRACE_MS: '3000',
    });
    url = target.url;
    admin = await signInAdmin(target, 'chat_admin');
  }, 60_000);

  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
  });

  async function privateRoom(owner: AuthResponse, name = 'private'): Promise<RoomDto> {
    const res = await http<RoomDto>(url, 'POST', '/rooms', {
      token: owner.accessToken,
      body: { name, visibility: 'private' },
    });
    expect(res.status).toBe(201);
    expect(res.body.visibility).toBe('private');
    return res.body;
  }

  async function inviteOf(owner: AuthResponse, roomId: number): Promise<string> {
    const res = await http<RoomInviteDto>(url, 'GET', `/rooms/${roomId}/invite`, { token: owner.accessToken });
    expect(res.status).toBe(200);
    return res.body.inviteToken;
  }

  const joined = (user: AuthResponse, roomId: number, inviteToken?: string) =>
    joinedSocket(url, user, roomId, inviteToken);

  const listedIds = async (user: AuthResponse) =>
    (await http<RoomDto[]>(url, 'GET', '/rooms', { token: user.accessToken })).body.map((r) => r.id);

  it('a private room is listed only for its owner, admins and members; to others it is missing (404), a public one FORBIDDEN', async () => {
    const owner = await registerUser(url, 'owner');
    const stranger = await registerUser(url, 'stranger');
    const room = await privateRoom(owner);
    const pub = await createRoom(url, owner.accessToken, 'public');

    expect(await listedIds(stranger)).toContain(pub.id);
    expect(await listedIds(stranger)).not.toContain(room.id);
    expect(await listedIds(owner)).toContain(room.id);
    expect(await listedIds(admin)).toContain(room.id);
    expect((await http(url, 'GET', `/rooms/${room.id}`, { token: stranger.accessToken })).status).toBe(404);

    // Settings, invite and bans are the owner's and admins' only: of a room the caller may not
    // see the answer is that of a missing room (room-enumeration.test.ts compares every route),
    // of a visible one FORBIDDEN.
    for (const id of [room.id, pub.id]) {
      for (const [method, path, body] of [
        ['PATCH', `/rooms/${id}`, { locked: true }],
        ['GET', `/rooms/${id}/invite`, undefined],
        ['POST', `/rooms/${id}/invite/rotate`, undefined],
        ['GET', `/rooms/${id}/bans`, undefined],
        ['DELETE', `/rooms/${id}/bans/${owner.user.id}`, undefined],
        ['DELETE', `/rooms/${id}`, undefined],
      ] as const) {
        const res = await http<ApiErrorBody>(url, method, path, { token: stranger.accessToken, body });
        const [status, code] = id === room.id ? [404, ErrorCode.NOT_FOUND] : [403, ErrorCode.FORBIDDEN];
        expect(res.status, `${method} ${path}`).toBe(status);
        expect(res.body.error.code).toBe(code);
      }
    }
    const bad = await http<ApiErrorBody>(url, 'PATCH', `/rooms/${room.id}`, {
      token: owner.accessToken,
      body: { visibility: 'secret' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe(ErrorCode.VALIDATION);

    // Admins may read the invite of any room.
    expect((await http(url, 'GET', `/rooms/${room.id}/invite`, { token: admin.accessToken })).status).toBe(200);
  });

  it('joining a private room needs its current invite token; rotation stops the old one for new joiners only', async () => {
    const owner = await registerUser(url, 'owner');
    const member = await registerUser(url, 'member');
    const late = await registerUser(url, 'late');
    const room = await privateRoom(owner);
    const socket = await connect(url, member.accessToken);

    // Without the current token a private room is missing to a non-member.
    refusedWith(await request(socket, 'joinRoom', { roomId: room.id }), ErrorCode.NOT_FOUND);
    const token = await inviteOf(owner, room.id);
    expect(token.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits in base64url
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    refusedWith(await request(socket, 'joinRoom', { roomId: room.id, inviteToken: wrong }), ErrorCode.NOT_FOUND);

    okData(await request(socket, 'joinRoom', { roomId: room.id, inviteToken: token }));
    expect(await listedIds(member)).toContain(room.id);

    const rotated = await http<RoomInviteDto>(url, 'POST', `/rooms/${room.id}/invite/rotate`, {
      token: owner.accessToken,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.inviteToken).not.toBe(token);
    expect(await inviteOf(owner, room.id)).toBe(rotated.body.inviteToken);

    const lateSocket = await connect(url, late.accessToken);
    refusedWith(await request(lateSocket, 'joinRoom', { roomId: room.id, inviteToken: token }), ErrorCode.NOT_FOUND);
    okData(await request(lateSocket, 'joinRoom', { roomId: room.id, inviteToken: rotated.body.inviteToken }));

    // An existing member keeps access without any token.
    okData(await request(socket, 'leaveRoom', { roomId: room.id }));
    okData(await request(socket, 'joinRoom', { roomId: room.id }));
  });

  it('a removed participant is out at once, refused on rejoin (even with the invite), loses history and search; let back, they can rejoin', async () => {
    const owner = await registerUser(url, 'owner');
    const bob = await registerUser(url, 'bob');
    const carol = await registerUser(url, 'carol');
    const room = await privateRoom(owner);
    const token = await inviteOf(owner, room.id);
    const ownerSocket = await joined(owner, room.id);
    const bobSocket = await joined(bob, room.id, token);
    const bobTab2 = await joined(bob, room.id, token);
    const carolSocket = await joined(carol, room.id, token);
    okData(
      await request(bobSocket, 'sendMessage', {
        roomId: room.id,
        content: 'zebrafish secret plan',
        clientMessageId: randomUUID(),
      }),
    );

    // Not a moderator: every moderation request is FORBIDDEN and changes nothing.
    refusedWith(await request(carolSocket, 'removeParticipant', { roomId: room.id, userId: bob.user.id }), ErrorCode.FORBIDDEN);
    refusedWith(
      await request(carolSocket, 'muteParticipant', { roomId: room.id, userId: bob.user.id, source: 'mic' }),
      ErrorCode.FORBIDDEN,
    );
    refusedWith(await request(carolSocket, 'endCall', { roomId: room.id }), ErrorCode.FORBIDDEN);
    // Nor can the owner be removed by an admin, or moderators remove themselves.
    refusedWith(await request(ownerSocket, 'removeParticipant', { roomId: room.id, userId: owner.user.id }), ErrorCode.FORBIDDEN);

    const removed = [record(bobSocket, 'removedFromRoom'), record(bobTab2, 'removedFromRoom')];
    const ownerUpdates = record(ownerSocket, 'participantsDelta');
    okData(await request(ownerSocket, 'removeParticipant', { roomId: room.id, userId: bob.user.id }));
    await waitFor(() => removed.every((r) => r.length === 1), 5000, 'removedFromRoom on both tabs');
    expect(removed[0]![0]).toMatchObject({ roomId: room.id, byUserId: owner.user.id, byUsername: owner.user.username });
    await waitFor(
      () => ownerUpdates.some((u) => u.roomId === room.id && u.left.includes(bob.user.id)),
      5000,
      'participantsDelta: bob left',
    );

    // Out: the sockets are no longer in the room, rejoin is refused even with the invite.
    refusedWith(
      await request(bobSocket, 'sendMessage', { roomId: room.id, content: 'still here?', clientMessageId: randomUUID() }),
      ErrorCode.NOT_IN_ROOM,
    );
    refusedWith(await request(bobSocket, 'joinRoom', { roomId: room.id, inviteToken: token }), ErrorCode.REMOVED_FROM_ROOM);
    const fresh = await connect(url, bob.accessToken);
    refusedWith(await request(fresh, 'joinRoom', { roomId: room.id, inviteToken: token }), ErrorCode.REMOVED_FROM_ROOM);

    // History and search of the room are refused (membership ended, so the private room is
    // missing to bob again); global search no longer covers it.
    refusedWith(await request(bobSocket, 'loadMessageHistory', { roomId: room.id }), ErrorCode.NOT_FOUND);
    const history = await http<ApiErrorBody>(url, 'GET', `/rooms/${room.id}/messages`, { token: bob.accessToken });
    expect(history.status).toBe(404);
    const search = await http(url, 'GET', `/messages/search?q=zebrafish&roomId=${room.id}`, { token: bob.accessToken });
    expect(search.status).toBe(404);
    const global = await http<SearchResponse>(url, 'GET', '/messages/search?q=zebrafish', { token: bob.accessToken });
    expect(global.status).toBe(200);
    expect(JSON.stringify(global.body)).not.toContain('zebrafish');
    expect(await listedIds(bob)).not.toContain(room.id);
    // The owner still reads it.
    const ownerHistory = await http<MessagePage>(url, 'GET', `/rooms/${room.id}/messages`, { token: owner.accessToken });
    expect(ownerHistory.body.messages.map((m) => m.content)).toContain('zebrafish secret plan');

    const bans = await http<RoomBanDto[]>(url, 'GET', `/rooms/${room.id}/bans`, { token: owner.accessToken });
    expect(bans.body.map((b) => [b.userId, b.username])).toEqual([[bob.user.id, bob.user.username]]);

    // Let back: can rejoin (with the invite, since membership ended).
    expect((await http(url, 'DELETE', `/rooms/${room.id}/bans/${bob.user.id}`, { token: owner.accessToken })).status).toBe(204);
    expect((await http(url, 'DELETE', `/rooms/${room.id}/bans/${bob.user.id}`, { token: owner.accessToken })).status).toBe(404);
    refusedWith(await request(fresh, 'joinRoom', { roomId: room.id }), ErrorCode.NOT_FOUND);
    okData(await request(fresh, 'joinRoom', { roomId: room.id, inviteToken: token }));
  });

  it('a locked room refuses new joiners; present members stay and may reconnect within the grace period', async () => {
    const owner = await registerUser(url, 'owner');
    const bob = await registerUser(url, 'bob');
    const carol = await registerUser(url, 'carol');
    const room = await createRoom(url, owner.accessToken, 'lockable');
    const ownerSocket = await joined(owner, room.id);
    const bobSocket = await joined(bob, room.id);
    const updates = record(bobSocket, 'roomUpdated');

    const locked = await http<RoomDto>(url, 'PATCH', `/rooms/${room.id}`, {
      token: owner.accessToken,
      body: { locked: true },
    });
    expect(locked.status).toBe(200);
    expect(locked.body.locked).toBe(true);
    await waitFor(() => updates.some((u) => u.room.locked), 5000, 'roomUpdated locked');

    const carolSocket = await connect(url, carol.accessToken);
    refusedWith(await request(carolSocket, 'joinRoom', { roomId: room.id }), ErrorCode.ROOM_LOCKED);

    // Bob stays, opens a second tab, and comes back after dropping every connection (within the grace period).
    okData(await request(bobSocket, 'sendMessage', { roomId: room.id, content: 'still in', clientMessageId: randomUUID() }));
    const bobTab2 = await joined(bob, room.id);
    bobTab2.disconnect();
    bobSocket.disconnect();
    const back = await joined(bob, room.id);
    okData(await request(back, 'sendMessage', { roomId: room.id, content: 'back', clientMessageId: randomUUID() }));

    okData(await request(ownerSocket, 'leaveRoom', { roomId: room.id }));
    okData(await request(ownerSocket, 'joinRoom', { roomId: room.id })); // owners always get in

    await http(url, 'PATCH', `/rooms/${room.id}`, { token: owner.accessToken, body: { locked: false } });
    okData(await request(carolSocket, 'joinRoom', { roomId: room.id }));
  });

  it('end call: everyone gets callEnded and is out, the call session is ended, the room stays', async () => {
    const owner = await registerUser(url, 'owner');
    const bob = await registerUser(url, 'bob');
    const room = await createRoom(url, owner.accessToken, 'ending');
    const sockets = [await joined(owner, room.id), await joined(bob, room.id)];
    const ended = sockets.map((s) => record(s, 'callEnded'));

    okData(await request(sockets[0]!, 'endCall', { roomId: room.id }));
    await waitFor(() => ended.every((e) => e.length === 1), 5000, 'callEnded for everyone');
    expect(ended[1]![0]).toMatchObject({ roomId: room.id, byUserId: owner.user.id });
    for (const s of sockets) {
      refusedWith(
        await request(s, 'sendMessage', { roomId: room.id, content: 'hello?', clientMessageId: randomUUID() }),
        ErrorCode.NOT_IN_ROOM,
      );
    }
    const after = await http<RoomDto>(url, 'GET', `/rooms/${room.id}`, { token: owner.accessToken });
    expect(after.status).toBe(200);
    expect(after.body.participantCount).toBe(0);
    const calls = await http<CallSessionsResponse>(url, 'GET', '/admin/calls', { token: admin.accessToken });
    const mine = calls.body.calls.filter((c) => c.roomId === room.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.endedAt).not.toBeNull();
    expect(mine[0]!.participants.every((p) => p.leftAt !== null)).toBe(true);

    // The room stays: joining again starts a new call.
    okData(await request(sockets[1]!, 'joinRoom', { roomId: room.id }));
  });

  it('a moderator mute pauses the target producer on the server; others see producerPaused; the target may unmute', async () => {
    const owner = await registerUser(url, 'owner');
    const room = await createRoom(url, owner.accessToken, 'media');
    const ownerSocket = await joined(owner, room.id);
    const peers: MiniMeetPeer[] = [];
    try {
      for (const name of ['target', 'watcher']) {
        const peer = new MiniMeetPeer({
          url,
          roomId: room.id,
          username: `${name}_${process.pid % 10000}_${kind}`,
          password: 'correct horse battery',
          reconnection: false,
        });
        peers.push(peer);
        await peer.start();
      }
      const [targetPeer, watcher] = peers as [MiniMeetPeer, MiniMeetPeer];
      const micId = targetPeer.producers.get('mic')!.id;
      const cameraId = targetPeer.producers.get('camera')!.id;
      const mutedEvents = record(targetPeer.socket as unknown as ClientSocket, 'moderatorMuted');
      const watcherPaused: string[] = [];
      watcher.on('producerPaused', ({ producerId }) => watcherPaused.push(producerId));

      okData(await request(ownerSocket, 'muteParticipant', { roomId: room.id, userId: targetPeer.user.id, source: 'mic' }));
      await waitFor(() => mutedEvents.length === 1 && watcherPaused.includes(micId), 5000, 'mute delivered');
      expect(mutedEvents[0]).toMatchObject({ roomId: room.id, source: 'mic', byUserId: owner.user.id });
      let stats = await targetPeer.request('getMediaStats', { roomId: room.id });
      expect(stats.producers.find((p) => p.producerId === micId)?.paused).toBe(true);
      expect(stats.producers.find((p) => p.producerId === cameraId)?.paused).toBe(false);

      // The target unmutes themselves (resumeProducer works as before).
      await targetPeer.resumeProducer('mic');
      stats = await targetPeer.request('getMediaStats', { roomId: room.id });
      expect(stats.producers.find((p) => p.producerId === micId)?.paused).toBe(false);

      okData(
        await request(ownerSocket, 'muteParticipant', { roomId: room.id, userId: targetPeer.user.id, source: 'camera' }),
      );
      await waitFor(() => watcherPaused.includes(cameraId), 5000, 'camera paused for the watcher');

      // Not present: refused.
      const absent = await registerUser(url, 'absent');
      refusedWith(
        await request(ownerSocket, 'muteParticipant', { roomId: room.id, userId: absent.user.id, source: 'mic' }),
        ErrorCode.NOT_IN_ROOM,
      );

      // Removing the target closes its media for the others.
      const closed: string[] = [];
      watcher.on('producerClosed', ({ producerId }) => closed.push(producerId));
      okData(await request(ownerSocket, 'removeParticipant', { roomId: room.id, userId: targetPeer.user.id }));
      await waitFor(() => closed.includes(micId) && closed.includes(cameraId), 5000, 'target producers closed');
      const ownerStats = await watcher.request('getMediaStats', { roomId: room.id });
      expect(ownerStats.room.producers).toBe(watcher.producers.size);
    } finally {
      for (const p of peers) await p.close();
    }
  }, 60_000);

  it(`caps: ${CREATE_PER_HOUR} rooms per user per hour (RATE_LIMITED, deleted rooms count), ${ROOMS_PER_SOCKET} rooms per socket (LIMIT_EXCEEDED, parallel joins too)`, async () => {
    const busy = await registerUser(url, 'busy');
    const ids: number[] = [];
    for (let i = 0; i < CREATE_PER_HOUR; i++) ids.push((await createRoom(url, busy.accessToken, `r${i}`)).id);
    expect((await http(url, 'DELETE', `/rooms/${ids[0]}`, { token: busy.accessToken })).status).toBe(204);
    const over = await http<ApiErrorBody>(url, 'POST', '/rooms', { token: busy.accessToken, body: { name: 'one more' } });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe(ErrorCode.RATE_LIMITED);
    const retry = over.body.error.details?.retryAfterMs ?? 0;
    expect(retry).toBeGreaterThan(3_000_000);
    expect(retry).toBeLessThanOrEqual(3_600_000);
    // Someone else is not affected.
    const other = await registerUser(url, 'other');
    const more: number[] = [];
    for (let i = 0; i < CREATE_PER_HOUR; i++) more.push((await createRoom(url, other.accessToken, `o${i}`)).id);

    const rooms = [...ids.slice(1), ...more];
    const socket = await connect(url, other.accessToken);
    const acks = await Promise.all(rooms.map((roomId) => request(socket, 'joinRoom', { roomId })));
    expect(acks.filter((a) => a.ok)).toHaveLength(ROOMS_PER_SOCKET);
    for (const a of acks.filter((x) => !x.ok)) refusedWith(a, ErrorCode.LIMIT_EXCEEDED);
    // Leaving one frees a slot.
    const inRoom = rooms.filter((_, i) => acks[i]!.ok);
    const outRoom = rooms.find((_, i) => !acks[i]!.ok)!;
    refusedWith(await request(socket, 'joinRoom', { roomId: outRoom }), ErrorCode.LIMIT_EXCEEDED);
    okData(await request(socket, 'leaveRoom', { roomId: inRoom[0]! }));
    okData(await request(socket, 'joinRoom', { roomId: outRoom }));
    // Joining a room the socket is already in is not a new slot.
    okData(await request(socket, 'joinRoom', { roomId: outRoom }));
  });
});
