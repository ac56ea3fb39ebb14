/**
 * Issue 20 item 2, the pre-join screen's server part: GET /api/rooms/:id/preview answers the
 * room, the first users present (PREVIEW_PARTICIPANTS_MAX, by userId) and how many there are, to
 * whoever may join the room (a private room with `?invite=`, to members and its owner; to
 * others it is missing), to a guest or an app's user for their own room only; being shown it
 * admits nobody. Real built server, real Socket.IO clients, SQLite and MariaDB.
 */
import {
  ErrorCode,
  PREVIEW_PARTICIPANTS_MAX,
  type ApiErrorBody,
  type AuthResponse,
  type ExternalAuthResponse,
  type GuestAuthResponse,
  type RoomDto,
  type RoomInviteDto,
  type RoomPreviewDto,
} from '@minimeet/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '@minimeet/test-harness';
import { closeAllSockets, connect, createRoom, http, okData, registerUser, request } from './helpers/chat-client.js';
import { createApiKey, mintJoinToken } from './helpers/api-keys.js';
import { startChatTarget, type ChatTarget } from './helpers/chat-server.js';

const HIDDEN = { status: 404, body: { statusCode: 404, error: { code: ErrorCode.NOT_FOUND, message: 'Room not found' } } };

describe.each(DB_KINDS)('room preview before joining (%s)', (kind) => {
  let target: ChatTarget;
  let url: string;
  let owner: AuthResponse;
  let stranger: AuthResponse;

  beforeAll(async () => {
    target = await startChatTarget(kind);
    url = target.url;
    owner = await registerUser(url, 'owner');
    stranger = await registerUser(url, 'stranger');
  }, 60_000);

  afterEach(() => closeAllSockets());

  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
  });

  const preview = (roomId: number, token: string, query = '') =>
    http<RoomPreviewDto & ApiErrorBody>(url, 'GET', `/rooms/${roomId}/preview${query}`, { token });

  async function joinAs(user: AuthResponse, roomId: number, inviteToken?: string) {
    const socket = await connect(url, user.accessToken);
    okData(await request(socket, 'joinRoom', inviteToken ? { roomId, inviteToken } : { roomId }));
    return socket;
  }

  it('shows who is in the call, how many, and the room as it is, and admits nobody', async () => {
    const room = await createRoom(url, owner.accessToken, 'standup');
    const empty = await preview(room.id, stranger.accessToken);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      room: { id: room.id, name: 'standup', participantCount: 0, recording: false, locked: false },
      participants: [],
      participantCount: 0,
    });

    const bob = await registerUser(url, 'bob');
    await joinAs(owner, room.id);
    const bobSocket = await joinAs(bob, room.id);
    const two = await preview(room.id, stranger.accessToken);
    expect(two.body.participantCount).toBe(2);
    expect(two.body.room.participantCount).toBe(2);
    expect(two.body.participants.map((p) => [p.userId, p.username, p.role])).toEqual([
      [owner.user.id, owner.user.username, 'host'],
      [bob.user.id, bob.user.username, 'speaker'],
    ]);

    // Looking admitted no one: the stranger is not present, the count did not move.
    const again = await preview(room.id, stranger.accessToken);
    expect(again.body.participants.map((p) => p.userId)).not.toContain(stranger.user.id);
    expect(again.body.participantCount).toBe(2);

    okData(await request(bobSocket, 'leaveRoom', { roomId: room.id }));
    // Leaving is immediate (no grace period for a leaveRoom).
    const one = await preview(room.id, stranger.accessToken);
    expect(one.body.participantCount).toBe(1);
    expect(one.body.participants.map((p) => p.userId)).toEqual([owner.user.id]);
  });

  it(`lists the first ${PREVIEW_PARTICIPANTS_MAX} by userId and counts everyone`, async () => {
    const total = PREVIEW_PARTICIPANTS_MAX + 2;
    const room = await createRoom(url, owner.accessToken, 'all hands', total + 1);
    const users = await Promise.all(Array.from({ length: total }, (_, i) => registerUser(url, `crowd${i}`)));
    for (const user of users) await joinAs(user, room.id);
    const res = await preview(room.id, stranger.accessToken);
    expect(res.body.participantCount).toBe(total);
    const ids = users.map((u) => u.user.id).sort((a, b) => a - b);
    expect(res.body.participants.map((p) => p.userId)).toEqual(ids.slice(0, PREVIEW_PARTICIPANTS_MAX));
  });

  it('a private room: missing to a stranger (also with a wrong invite), shown with its invite, to its owner and members', async () => {
    const created = await http<RoomDto>(url, 'POST', '/rooms', {
      token: owner.accessToken,
      body: { name: 'board', visibility: 'private' },
    });
    const roomId = created.body.id;
    const { inviteToken } = (await http<RoomInviteDto>(url, 'GET', `/rooms/${roomId}/invite`, { token: owner.accessToken })).body;
    await joinAs(owner, roomId);

    const missingId = roomId + 1_000_000;
    const wrong = `${inviteToken.slice(0, -1)}${inviteToken.endsWith('A') ? 'B' : 'A'}`;
    for (const query of ['', `?invite=${wrong}`]) {
      expect(await preview(roomId, stranger.accessToken, query)).toEqual(HIDDEN);
      expect(await preview(missingId, stranger.accessToken, query)).toEqual(HIDDEN);
    }

    const withInvite = await preview(roomId, stranger.accessToken, `?invite=${inviteToken}`);
    expect(withInvite.status).toBe(200);
    expect(withInvite.body).toMatchObject({ room: { id: roomId, visibility: 'private' }, participantCount: 1 });
    expect((await preview(roomId, owner.accessToken)).status).toBe(200);

    // A member (joined once with the invite) sees it without the invite.
    const member = await registerUser(url, 'member');
    const memberSocket = await joinAs(member, roomId, inviteToken);
    okData(await request(memberSocket, 'leaveRoom', { roomId }));
    expect((await preview(roomId, member.accessToken)).status).toBe(200);
  });

  it('refuses a malformed invite and asks for a token', async () => {
    const room = await createRoom(url, owner.accessToken, 'checks');
    const long = await preview(room.id, stranger.accessToken, `?invite=${'x'.repeat(200)}`);
    expect([long.status, long.body.error.code]).toEqual([400, ErrorCode.VALIDATION]);
    const anonymous = await http<ApiErrorBody>(url, 'GET', `/rooms/${room.id}/preview`);
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, ErrorCode.UNAUTHORIZED]);
    const badId = await preview(0, stranger.accessToken);
    expect(badId.status).toBe(400);
  });

  it("a guest sees its own room's preview, and any other room as missing", async () => {
    const room = await createRoom(url, owner.accessToken, 'guests welcome');
    await http(url, 'PATCH', `/rooms/${room.id}`, { token: owner.accessToken, body: { allowGuests: true } });
    const other = await createRoom(url, owner.accessToken, 'public but not theirs');
    await joinAs(owner, room.id);
    const login = await http<GuestAuthResponse>(url, 'POST', '/auth/guest', { body: { roomId: room.id, displayName: 'Visitor' } });
    expect(login.status).toBe(200);
    const guestToken = login.body.accessToken;

    const own = await preview(room.id, guestToken);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ room: { id: room.id, allowGuests: true }, participantCount: 1 });
    expect(await preview(other.id, guestToken)).toEqual(HIDDEN);
    expect(await preview(other.id + 1_000_000, guestToken)).toEqual(HIDDEN);
    // Other REST routes stay closed to a room token.
    expect((await http(url, 'GET', `/rooms/${room.id}`, { token: guestToken })).status).toBe(403);
  });

  it("an app's user (join token minted with an API key) sees its own room's preview only", async () => {
    const key = await createApiKey(target.db.url, 'Preview app');
    const room = await createRoom(url, owner.accessToken, 'app room');
    const other = await createRoom(url, owner.accessToken, 'elsewhere');
    const token = mintJoinToken(key, { room: room.id, sub: 'learner-1', name: 'Lena' });
    const session = await http<ExternalAuthResponse>(url, 'POST', '/auth/external', { body: { token } });
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    const accessToken = session.body.accessToken;
    expect((await preview(room.id, accessToken)).body).toMatchObject({ room: { id: room.id }, participantCount: 0 });
    expect(await preview(other.id, accessToken)).toEqual(HIDDEN);
  });
});
