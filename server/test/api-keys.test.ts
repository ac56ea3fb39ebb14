/**
 * Issue 20 item 4, API keys: the admin CLI creates, lists and revokes keys; an app mints a join
 * token (HS256, kid) that POST /api/auth/external exchanges for a session limited to one room
 * with its grants (publish → produces; receive-only → NOT_ON_STAGE and receives; moderate → host);
 * bad tokens are refused with a reason; a revoked key ends its sessions; /api/v1 works with the
 * key only. Real built server, real Socket.IO clients, werift peers, SQLite and MariaDB.
 */
import {
  ErrorCode,
  type ApiErrorBody,
  type AuthResponse,
  type ExternalAuthResponse,
  type Participant,
  type RoomDto,
} from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import { DB_KINDS } from '@minimeet/test-harness';
import { apiKeyCli, basicAuth, createApiKey, mintJoinToken, type CreatedKey } from './helpers/api-keys.js';
import {
  closeAllSockets,
  connect,
  createRoom,
  http,
  okData,
  record,
  refusedWith,
  registerUser,
  request,
  waitFor,
} from './helpers/chat-client.js';
import { startChatTarget, type ChatTarget } from './helpers/chat-server.js';

describe.each(DB_KINDS)('API keys and app-minted tokens (%s)', (kind) => {
  let target: ChatTarget;
  let url: string;
  let key: CreatedKey;
  const peers: MiniMeetPeer[] = [];

  beforeAll(async () => {
    target = await startChatTarget(kind);
    url = target.url;
    key = await createApiKey(target.db.url, 'Acme LMS');
  }, 60_000);

  afterAll(async () => {
    for (const p of peers) await p.close();
    closeAllSockets();
    await target?.stop();
  });

  async function keyRoom(k: CreatedKey = key, body: object = { name: 'app room' }): Promise<RoomDto> {
    const res = await http<RoomDto>(url, 'POST', '/v1/rooms', { authorization: basicAuth(k), body });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function exchange(token: string): Promise<ExternalAuthResponse> {
    const res = await http<ExternalAuthResponse>(url, 'POST', '/auth/external', { body: { token } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  async function refusal(token: string): Promise<{ status: number; code: string; reason: unknown }> {
    const res = await http<ApiErrorBody>(url, 'POST', '/auth/external', { body: { token } });
    return { status: res.status, code: res.body.error.code, reason: res.body.error.details?.reason };
  }

  it('the CLI creates (secret shown once), lists (never the secret) and revokes keys', async () => {
    const other = await createApiKey(target.db.url, 'Second app');
    const listed = await apiKeyCli(target.db.url, ['list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${key.id}\tAcme LMS`);
    expect(listed.stdout).toMatch(new RegExp(`${other.id}\\tSecond app\\t\\S+\\tactive`));
    expect(listed.stdout).not.toContain(key.secret);
    expect(listed.stdout).not.toContain(other.secret);

    const revoked = await apiKeyCli(target.db.url, ['revoke', other.id]);
    expect(revoked.code).toBe(0);
    expect((await apiKeyCli(target.db.url, ['list'])).stdout).toMatch(new RegExp(`${other.id}\\tSecond app\\t\\S+\\trevoked`));
    expect((await apiKeyCli(target.db.url, ['revoke', other.id])).stdout).toContain('already revoked');
    const unknown = await apiKeyCli(target.db.url, ['revoke', 'mk_nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no API key mk_nope');
    expect((await apiKeyCli(target.db.url, ['create'])).code).toBe(2);
  });

  it('refuses malformed, unknown-key, badly signed, expired and too long-lived tokens with a reason', async () => {
    const room = await keyRoom();
    const claims = { room: room.id, sub: 'u1', name: 'Una' };
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal('not.a.jwt')).toEqual({ status: 401, code: ErrorCode.UNAUTHORIZED, reason: 'MALFORMED' });
    expect(await refusal(mintJoinToken({ id: 'mk_0000000000000000', secret: key.secret }, claims))).toMatchObject({
      status: 401,
      reason: 'UNKNOWN_KEY',
    });
    expect(await refusal(mintJoinToken(key, claims, { secret: 'guessed' }))).toMatchObject({ status: 401, reason: 'BAD_SIGNATURE' });
    expect(await refusal(mintJoinToken(key, { ...claims, iat: now - 100, exp: now - 10 }))).toMatchObject({
      status: 401,
      reason: 'EXPIRED',
    });
    expect(await refusal(mintJoinToken(key, claims, { lifetimeSeconds: 24 * 3600 + 60 }))).toMatchObject({
      status: 401,
      reason: 'EXPIRY_TOO_FAR',
    });
    // A key made under another JWT secret (JWT_SECRET rotated since): its secret is unreadable here.
    const foreign = await createApiKey(target.db.url, 'Before rotation', 'an-older-jwt-secret-0123456789abcdef');
    expect(await refusal(mintJoinToken(foreign, claims))).toMatchObject({ status: 401, reason: 'UNKNOWN_KEY' });
    // A token for a room that does not exist.
    const missing = await http<ApiErrorBody>(url, 'POST', '/auth/external', {
      body: { token: mintJoinToken(key, { ...claims, room: 999_999 }) },
    });
    expect(missing.status).toBe(404);
    // Exactly 24 h is fine.
    expect((await exchange(mintJoinToken(key, claims, { lifetimeSeconds: 24 * 3600 }))).user.username).toBe('Una');
  });

  it('a publisher produces to a receive-only user, who is refused producing; the identity is reused per key', async () => {
    const room = await keyRoom();
    const speaker = await exchange(
      mintJoinToken(key, { room: room.id, sub: 'teacher-1', name: 'Ms Teacher', grants: { publish: true, subscribe: true } }),
    );
    expect(speaker.user.roomScope).toEqual({
      roomId: room.id,
      apiKeyId: key.id,
      grants: { publish: true, subscribe: true, moderate: false },
    });
    const viewer = await exchange(
      mintJoinToken(key, { room: room.id, sub: 'student-7', name: 'Student', grants: { publish: false, subscribe: true } }),
    );
    // Same sub, same key: the same user (its display name follows the token).
    const again = await exchange(mintJoinToken(key, { room: room.id, sub: 'student-7', name: 'Student Seven' }));
    expect(again.user.id).toBe(viewer.user.id);
    expect(again.user.username).toBe('Student Seven');
    // External identities cannot sign in with a password.
    const login = await http(url, 'POST', '/auth/login', { body: { username: 'Student Seven', password: 'anything-at-all' } });
    expect(login.status).toBe(401);

    const publisher = new MiniMeetPeer({ url, roomId: room.id, reconnection: false, token: speaker.accessToken });
    peers.push(publisher);
    await publisher.start();
    expect(publisher.role).toBe('speaker');
    expect(publisher.producers.size).toBe(2);

    const receiver = new MiniMeetPeer({ url, roomId: room.id, reconnection: false, token: viewer.accessToken });
    peers.push(receiver);
    await receiver.start();
    expect(receiver.role).toBe('attendee');
    expect(receiver.sendTransport).toBeUndefined();
    await waitFor(() => receiver.openStreams().filter((s) => s.packets > 0).length === 2, 20_000, 'receive-only user receiving');
    refusedWith(await receiver.rawRequest('createWebRtcTransport', { roomId: room.id, direction: 'send' }), ErrorCode.NOT_ON_STAGE);
    refusedWith(
      await receiver.rawRequest('produce', { roomId: room.id, transportId: 'x', kind: 'audio', rtpParameters: {}, source: 'mic' }),
      ErrorCode.NOT_ON_STAGE,
    );

    const roster = await http<Participant[]>(url, 'GET', `/v1/rooms/${room.id}/participants`, { authorization: basicAuth(key) });
    expect(roster.status).toBe(200);
    expect(roster.body.map((p) => [p.username, p.role]).sort()).toEqual([
      ['Ms Teacher', 'speaker'],
      ['Student Seven', 'attendee'],
    ]);
  }, 60_000);

  it('a room token works in its room only: not another room, not room creation, listing or search', async () => {
    const room = await keyRoom();
    const owner = await registerUser(url, 'own');
    const otherRoom = await createRoom(url, owner.accessToken, 'elsewhere');
    const session = await exchange(mintJoinToken(key, { room: room.id, sub: 'roamer', name: 'Roamer' }));
    const socket = await connect(url, session.accessToken);
    refusedWith(await request(socket, 'joinRoom', { roomId: otherRoom.id }), ErrorCode.NOT_FOUND);
    refusedWith(await request(socket, 'loadMessageHistory', { roomId: otherRoom.id }), ErrorCode.NOT_FOUND);
    okData(await request(socket, 'joinRoom', { roomId: room.id }));
    for (const [method, path, body] of [
      ['POST', '/rooms', { name: 'mine now' }],
      ['GET', '/rooms', undefined],
      ['GET', `/rooms/${otherRoom.id}`, undefined],
      ['GET', '/messages/search?q=hello', undefined],
      ['POST', '/auth/logout-all', undefined],
    ] as const) {
      const res = await http<ApiErrorBody>(url, method, path, { token: session.accessToken, body });
      expect([path, res.status, res.body.error.code]).toEqual([path, 403, ErrorCode.FORBIDDEN]);
    }
    // The key's REST surface does not accept the user's token either.
    expect((await http(url, 'GET', '/v1/rooms', { token: session.accessToken })).status).toBe(401);
    expect((await http(url, 'GET', '/auth/me', { token: session.accessToken })).status).toBe(200);
  });

  it('moderate grants host powers in that room only', async () => {
    const room = await keyRoom();
    const host = await exchange(mintJoinToken(key, { room: room.id, sub: 'mod', name: 'Moderator', grants: { moderate: true } }));
    const guest = await exchange(mintJoinToken(key, { room: room.id, sub: 'kid', name: 'Kid' }));
    const hostSocket = await connect(url, host.accessToken);
    const guestSocket = await connect(url, guest.accessToken);
    expect(okData(await request(hostSocket, 'joinRoom', { roomId: room.id })).role).toBe('host');
    expect(okData(await request(guestSocket, 'joinRoom', { roomId: room.id })).role).toBe('speaker');
    refusedWith(await request(guestSocket, 'removeParticipant', { roomId: room.id, userId: host.user.id }), ErrorCode.FORBIDDEN);
    const removed = record(guestSocket, 'removedFromRoom');
    okData(await request(hostSocket, 'removeParticipant', { roomId: room.id, userId: guest.user.id }));
    await waitFor(() => removed.length === 1, 5000, 'removedFromRoom');
  });

  it('/api/v1 with the key: create, list, participants, remove, end, delete; without or with a wrong key 401', async () => {
    expect((await http(url, 'GET', '/v1/rooms')).status).toBe(401);
    expect((await http(url, 'GET', '/v1/rooms', { authorization: basicAuth(key, 'wrong-secret') })).status).toBe(401);
    expect((await http(url, 'GET', '/v1/rooms', { authorization: basicAuth({ id: 'mk_x', secret: key.secret }) })).status).toBe(401);
    const user: AuthResponse = await registerUser(url, 'bear');
    expect((await http(url, 'GET', '/v1/rooms', { token: user.accessToken })).status).toBe(401);

    const room = await keyRoom(key, { name: 'v1 room', visibility: 'private' });
    const listed = await http<RoomDto[]>(url, 'GET', '/v1/rooms', { authorization: basicAuth(key) });
    expect(listed.body.map((r) => r.id)).toContain(room.id);
    // Another user's room is not the key's.
    const foreign = await createRoom(url, user.accessToken, 'not the apps');
    expect(listed.body.map((r) => r.id)).not.toContain(foreign.id);
    expect((await http(url, 'POST', `/v1/rooms/${foreign.id}/end`, { authorization: basicAuth(key) })).status).toBe(404);

    // A private room of the key: its tokens get in without the invite.
    const a = await exchange(mintJoinToken(key, { room: room.id, sub: 'a', name: 'Ann' }));
    const b = await exchange(mintJoinToken(key, { room: room.id, sub: 'b', name: 'Bob' }));
    const aSocket = await connect(url, a.accessToken);
    const bSocket = await connect(url, b.accessToken);
    okData(await request(aSocket, 'joinRoom', { roomId: room.id }));
    okData(await request(bSocket, 'joinRoom', { roomId: room.id }));
    const removed = record(aSocket, 'removedFromRoom');
    expect((await http(url, 'DELETE', `/v1/rooms/${room.id}/participants/${a.user.id}`, { authorization: basicAuth(key) })).status).toBe(204);
    await waitFor(() => removed.length === 1, 5000, 'removedFromRoom');
    const ended = record(bSocket, 'callEnded');
    expect((await http(url, 'POST', `/v1/rooms/${room.id}/end`, { authorization: basicAuth(key) })).status).toBe(204);
    await waitFor(() => ended.length === 1, 5000, 'callEnded');
    expect((await http(url, 'DELETE', `/v1/rooms/${room.id}`, { authorization: basicAuth(key) })).status).toBe(204);
    expect((await http(url, 'GET', `/v1/rooms/${room.id}/participants`, { authorization: basicAuth(key) })).status).toBe(404);
  });

  it('revoking a key ends its sessions: open sockets, REST, new handshakes, new exchanges and the key itself', async () => {
    const doomed = await createApiKey(target.db.url, 'Doomed');
    const room = await keyRoom(doomed);
    const token = mintJoinToken(doomed, { room: room.id, sub: 'v', name: 'Vic' });
    const session = await exchange(token);
    const socket = await connect(url, session.accessToken);
    okData(await request(socket, 'joinRoom', { roomId: room.id }));
    const ended = record(socket, 'sessionEnded');

    expect((await apiKeyCli(target.db.url, ['revoke', doomed.id])).code).toBe(0);
    expect((await http(url, 'GET', '/auth/me', { token: session.accessToken })).status).toBe(401);
    await expect(connect(url, session.accessToken)).rejects.toThrow('unauthorized');
    expect(await refusal(token)).toMatchObject({ status: 401, reason: 'KEY_REVOKED' });
    expect((await http(url, 'GET', '/v1/rooms', { authorization: basicAuth(doomed) })).status).toBe(401);
    await waitFor(() => ended.length === 1, 10_000, 'sessionEnded after revocation');
    expect(ended[0]).toEqual({ reason: 'revoked' });
  });
});
