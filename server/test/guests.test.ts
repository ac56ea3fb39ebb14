/**
 * Issue 20 item 1, guests by link: a room that allows guests (off by default, PATCH by its
 * moderators) lets a person without an account in with a display name (POST /api/auth/guest);
 * the token works in that one room only, renews only while the guest is in the call, guest
 * logins are limited per IP, the name is shown with the guest mark and never becomes an account,
 * and moderators remove guests like anyone. Real built server, real Socket.IO clients, SQLite
 * and MariaDB.
 */
import {
  ErrorCode,
  type ApiErrorBody,
  type AuthResponse,
  type GuestAuthResponse,
  type RoomDto,
  type RoomInviteDto,
} from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '@minimeet/test-harness';
import {
  closeAllSockets,
  connect,
  createRoom,
  http,
  okData,
  rawRequest,
  record,
  refusedWith,
  registerUser,
  request,
  waitFor,
} from './helpers/chat-client.js';
import { startChatTarget, type ChatTarget } from './helpers/chat-server.js';

// Above what the tests before the last one spend (about 16 logins).
const GUEST_LOGINS_PER_MINUTE = 25;

describe.each(DB_KINDS)('guests by link (%s)', (kind) => {
  let target: ChatTarget;
  let url: string;
  let owner: AuthResponse;

  beforeAll(async () => {
    target = await startChatTarget(kind, { GUEST_LOGIN_RATE_LIMIT: String(GUEST_LOGINS_PER_MINUTE) });
    url = target.url;
    owner = await registerUser(url, 'host');
  }, 60_000);

  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
  });

  async function room(settings: Record<string, unknown> = { allowGuests: true }): Promise<RoomDto> {
    const created = await createRoom(url, owner.accessToken, 'guest room');
    const res = await http<RoomDto>(url, 'PATCH', `/rooms/${created.id}`, { token: owner.accessToken, body: settings });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  function guestLogin(body: object) {
    return http<GuestAuthResponse & ApiErrorBody>(url, 'POST', '/auth/guest', { body });
  }

  async function guest(roomId: number, displayName = 'Visitor', inviteToken?: string): Promise<GuestAuthResponse> {
    const res = await guestLogin({ roomId, displayName, inviteToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  it('allowGuests is off by default and only moderators turn it on', async () => {
    const created = await http<RoomDto>(url, 'POST', '/rooms', { token: owner.accessToken, body: { name: 'fresh' } });
    expect(created.body.allowGuests).toBe(false);
    const stranger = await registerUser(url, 'stranger');
    const patched = await http<ApiErrorBody>(url, 'PATCH', `/rooms/${created.body.id}`, {
      token: stranger.accessToken,
      body: { allowGuests: true },
    });
    expect(patched.status).toBe(403);
    const refused = await guestLogin({ roomId: created.body.id, displayName: 'Early' });
    expect([refused.status, refused.body.error.code]).toEqual([403, ErrorCode.FORBIDDEN]);
    const on = await http<RoomDto>(url, 'PATCH', `/rooms/${created.body.id}`, { token: owner.accessToken, body: { allowGuests: true } });
    expect(on.body.allowGuests).toBe(true);
  });

  it('a guest joins a room that allows guests, publishes, and is listed with the guest mark under its own name', async () => {
    const r = await room();
    // A registered user's name: the guest gets its own row, never that account.
    const joined = await guest(r.id, owner.user.username);
    expect(joined.user.role).toBe('guest');
    expect(joined.user.id).not.toBe(owner.user.id);
    expect(joined.user.roomScope).toEqual({ roomId: r.id, grants: { publish: true, subscribe: true, moderate: false } });
    const login = await http(url, 'POST', '/auth/login', { body: { username: owner.user.username, password: 'correct horse battery' } });
    expect(login.status).toBe(200);

    const guestSocket = await connect(url, joined.accessToken);
    const guestJoin = okData(await request(guestSocket, 'joinRoom', { roomId: r.id }));
    expect(guestJoin.role).toBe('speaker');
    const hostSocket = await connect(url, owner.accessToken);
    const hostJoin = okData(await request(hostSocket, 'joinRoom', { roomId: r.id }));
    const listed = hostJoin.participants.map((p) => ({ userId: p.userId, username: p.username, guest: p.guest }));
    expect(listed).toContainEqual({ userId: joined.user.id, username: owner.user.username, guest: true });
    expect(listed).toContainEqual({ userId: owner.user.id, username: owner.user.username, guest: undefined });
    // Meetings: a guest sends media like any speaker.
    const send = await rawRequest(guestSocket, 'createWebRtcTransport', { roomId: r.id, direction: 'send' });
    expect(send).toMatchObject({ ok: true });
  });

  it('refuses a missing room, a private room without its invite (same answer), a locked room and bad names', async () => {
    const missing = await guestLogin({ roomId: 999_999, displayName: 'Nobody' });
    const priv = await room({ allowGuests: true, visibility: 'private' });
    const noInvite = await guestLogin({ roomId: priv.id, displayName: 'Nobody' });
    const wrongInvite = await guestLogin({ roomId: priv.id, displayName: 'Nobody', inviteToken: 'nope' });
    expect(noInvite).toEqual(missing);
    expect(wrongInvite).toEqual(missing);
    expect([missing.status, missing.body.error.code]).toEqual([404, ErrorCode.NOT_FOUND]);
    const invite = await http<RoomInviteDto>(url, 'GET', `/rooms/${priv.id}/invite`, { token: owner.accessToken });
    const invited = await guest(priv.id, 'Invited', invite.body.inviteToken);
    okData(await request(await connect(url, invited.accessToken), 'joinRoom', { roomId: priv.id }));

    const locked = await room({ allowGuests: true, locked: true });
    const lockedAnswer = await guestLogin({ roomId: locked.id, displayName: 'Late' });
    expect([lockedAnswer.status, lockedAnswer.body.error.code]).toEqual([403, ErrorCode.ROOM_LOCKED]);

    const r = await room();
    for (const displayName of ['', '   ', 'x'.repeat(33), 'bell\u0007', 42]) {
      const bad = await guestLogin({ roomId: r.id, displayName });
      expect([JSON.stringify(displayName), bad.status, bad.body.error.code]).toEqual([JSON.stringify(displayName), 400, ErrorCode.VALIDATION]);
    }
  });

  it('a guest token works in its room only: not another room, room creation, listing, reading or search', async () => {
    const r = await room();
    const other = await room();
    const session = await guest(r.id, 'Roamer');
    const socket = await connect(url, session.accessToken);
    refusedWith(await request(socket, 'joinRoom', { roomId: other.id }), ErrorCode.NOT_FOUND);
    refusedWith(await request(socket, 'loadMessageHistory', { roomId: other.id }), ErrorCode.NOT_FOUND);
    okData(await request(socket, 'joinRoom', { roomId: r.id }));
    for (const [method, path, body] of [
      ['POST', '/rooms', { name: 'mine now' }],
      ['GET', '/rooms', undefined],
      ['GET', `/rooms/${other.id}`, undefined],
      ['GET', '/messages/search?q=hello', undefined],
      ['PATCH', `/rooms/${r.id}`, { allowGuests: false }],
    ] as const) {
      const res = await http<ApiErrorBody>(url, method, path, { token: session.accessToken, body });
      expect([path, res.status, res.body.error.code]).toEqual([path, 403, ErrorCode.FORBIDDEN]);
    }
  });

  it('renews only while in the call; turning guests off stops new guest joins', async () => {
    const r = await room();
    const session = await guest(r.id, 'Renewer');
    const early = await http<ApiErrorBody>(url, 'POST', '/auth/guest/renew', { token: session.accessToken });
    expect([early.status, early.body.error.code]).toEqual([403, ErrorCode.NOT_IN_ROOM]);
    const socket = await connect(url, session.accessToken);
    okData(await request(socket, 'joinRoom', { roomId: r.id }));
    const renewed = await http<GuestAuthResponse>(url, 'POST', '/auth/guest/renew', { token: session.accessToken });
    expect(renewed.status).toBe(200);
    expect(renewed.body.user).toEqual(session.user);
    // The live socket takes the renewed token (the web client's silent renewal).
    okData(await request(socket, 'auth:renew', { accessToken: renewed.body.accessToken }));
    okData(await request(socket, 'leaveRoom', { roomId: r.id }));
    const after = await http<ApiErrorBody>(url, 'POST', '/auth/guest/renew', { token: renewed.body.accessToken });
    expect([after.status, after.body.error.code]).toEqual([403, ErrorCode.NOT_IN_ROOM]);
    // A registered user's token is not a guest session.
    const notGuest = await http<ApiErrorBody>(url, 'POST', '/auth/guest/renew', { token: owner.accessToken });
    expect(notGuest.status).toBe(403);

    const later = await guest(r.id, 'Later');
    await http(url, 'PATCH', `/rooms/${r.id}`, { token: owner.accessToken, body: { allowGuests: false } });
    refusedWith(await request(await connect(url, later.accessToken), 'joinRoom', { roomId: r.id }), ErrorCode.FORBIDDEN);
  });

  it('a moderator removes a guest like anyone', async () => {
    const r = await room();
    const session = await guest(r.id, 'Heckler');
    const guestSocket = await connect(url, session.accessToken);
    okData(await request(guestSocket, 'joinRoom', { roomId: r.id }));
    const hostSocket = await connect(url, owner.accessToken);
    okData(await request(hostSocket, 'joinRoom', { roomId: r.id }));
    const removed = record(guestSocket, 'removedFromRoom');
    okData(await request(hostSocket, 'removeParticipant', { roomId: r.id, userId: session.user.id }));
    await waitFor(() => removed.length === 1, 5000, 'removedFromRoom');
    refusedWith(await request(guestSocket, 'joinRoom', { roomId: r.id }), ErrorCode.REMOVED_FROM_ROOM);
  });

  // Last: it spends the address's guest logins for the minute.
  it('guest logins are limited per address (their own limit, not sign-in)', async () => {
    const r = await room();
    const statuses: number[] = [];
    for (let i = 0; i <= GUEST_LOGINS_PER_MINUTE; i++) statuses.push((await guestLogin({ roomId: r.id, displayName: `G${i}` })).status);
    expect(statuses.at(-1)).toBe(429);
    const limited = await guestLogin({ roomId: r.id, displayName: 'One more' });
    expect([limited.status, limited.body.error.code]).toEqual([429, ErrorCode.RATE_LIMITED]);
    const login = await http(url, 'POST', '/auth/login', { body: { username: owner.user.username, password: 'correct horse battery' } });
    expect(login.status).toBe(200);
  });
});
