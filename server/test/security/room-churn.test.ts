/**
 * Issue 18 items 5–7: join/leave churn (one participant record, joins rate limited, admin calls
 * paged), a private room's lock hidden from those it would not admit, and a ban racing a join.
 * Real built server, real Socket.IO clients, SQLite and MariaDB.
 */
import {
  ErrorCode,
  type Ack,
  type ApiErrorBody,
  type AuthResponse,
  type CallParticipantDto,
  type CallParticipantsPage,
  type CallSessionDto,
  type CallSessionsResponse,
  type RoomDto,
  type RoomInviteDto,
} from '@minimeet/shared';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '@minimeet/test-harness';
import {
  closeAllSockets,
  connect,
  createRoom,
  http,
  joinedSocket,
  okData,
  refusedWith,
  registerUser,
  request,
} from '../helpers/chat-client.js';
import { signInAdmin, startChatTarget, type ChatTarget } from '../helpers/chat-server.js';

const JOINS_PER_MINUTE = 30;
const BAN_RACE_ROUNDS = 15;

describe.each(DB_KINDS)('room churn, lock privacy and the ban race (%s)', (kind) => {
  let target: ChatTarget;
  let url: string;
  let admin: AuthResponse;

  beforeAll(async () => {
    target = await startChatTarget(kind, {
      ROOM_JOINS_PER_MINUTE: String(JOINS_PER_MINUTE),
      CALL_REJOIN_WINDOW_MS: '60000',
    });
    url = target.url;
    admin = await signInAdmin(target, 'churn_admin');
  }, 60_000);

  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
  });

  const joined = (user: AuthResponse, roomId: number, inviteToken?: string) =>
    joinedSocket(url, user, roomId, inviteToken);

  async function privateRoom(owner: AuthResponse, name = 'private'): Promise<RoomDto> {
    const res = await http<RoomDto>(url, 'POST', '/rooms', {
      token: owner.accessToken,
      body: { name, visibility: 'private' },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function inviteOf(owner: AuthResponse, roomId: number): Promise<string> {
    const res = await http<RoomInviteDto>(url, 'GET', `/rooms/${roomId}/invite`, {
      token: owner.accessToken,
    });
    expect(res.status).toBe(200);
    return res.body.inviteToken;
  }

  async function runningCall(roomId: number, query = ''): Promise<CallSessionDto> {
    const res = await http<CallSessionsResponse>(url, 'GET', `/admin/calls${query}`, {
      token: admin.accessToken,
    });
    expect(res.status).toBe(200);
    const call = res.body.calls.find((c) => c.roomId === roomId && c.endedAt === null);
    expect(call, `running call of room ${roomId}`).toBeDefined();
    return call!;
  }

  it('join/leave churn within the rejoin window keeps one participant record; a burst of joins is rate limited', async () => {
    const owner = await registerUser(url, 'owner');
    const churner = await registerUser(url, 'churner');
    const room = await createRoom(url, owner.accessToken, 'churn');
    const other = await createRoom(url, owner.accessToken, 'elsewhere');
    await joined(owner, room.id);
    const socket = await connect(url, churner.accessToken);

    // The bucket refills one join per 60/JOINS_PER_MINUTE s: a slow machine earns a few more
    // joins while the loop runs, so churn until refused and bound the accepted count by the time taken.
    const started = Date.now();
    let accepted = 0;
    let refused: Ack<unknown> | undefined;
    while (!refused) {
      const ack = await request(socket, 'joinRoom', { roomId: room.id });
      if (!ack.ok) {
        refused = ack;
        break;
      }
      accepted++;
      okData(await request(socket, 'leaveRoom', { roomId: room.id }));
      expect(accepted).toBeLessThanOrEqual(JOINS_PER_MINUTE * 3);
    }
    const refilled = Math.ceil((Date.now() - started) / (60_000 / JOINS_PER_MINUTE));
    expect(accepted).toBeGreaterThanOrEqual(JOINS_PER_MINUTE);
    expect(accepted).toBeLessThanOrEqual(JOINS_PER_MINUTE + refilled);
    const call = await runningCall(room.id);
    expect(call.participants.map((p) => p.userId)).toEqual([owner.user.id, churner.user.id]);
    expect(call.participants[1]!.leftAt).not.toBeNull();

    // The budget is spent: the join was refused with a wait, and nothing is recorded.
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED } });
    const retryAfterMs = refused.ok ? 0 : Number(refused.error.details?.retryAfterMs);
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    const after = await runningCall(room.id);
    expect(after.participants.map((p) => p.userId)).toEqual([owner.user.id, churner.user.id]);

    // The limit is per user and room: the same user joins another room, another user this one.
    okData(await request(socket, 'joinRoom', { roomId: other.id }));
    const bystander = await registerUser(url, 'bystander');
    await joined(bystander, room.id);

    // Still one stay of the churner after all of it.
    const stays = (await runningCall(room.id)).participants.filter((p) => p.userId === churner.user.id);
    expect(stays).toHaveLength(1);
  });

  it('the admin calls API pages the participants of a call', async () => {
    const owner = await registerUser(url, 'owner');
    const room = await createRoom(url, owner.accessToken, 'crowd', 16);
    await joined(owner, room.id);
    const guests: AuthResponse[] = [];
    for (let i = 0; i < 6; i++) {
      const guest = await registerUser(url, `guest${i}`);
      guests.push(guest);
      await joined(guest, room.id);
    }
    const everyone = [owner, ...guests].map((u) => u.user.id);

    const full = await runningCall(room.id);
    expect(full.participants.map((p) => p.userId)).toEqual(everyone);
    expect(full.participantsCursor).toBeUndefined();

    const firstPage = await runningCall(room.id, '?participantLimit=3');
    expect(firstPage.participants.map((p) => p.userId)).toEqual(everyone.slice(0, 3));
    expect(firstPage.participantsCursor).toEqual(expect.any(String));

    const seen: CallParticipantDto[] = [...firstPage.participants];
    let cursor = firstPage.participantsCursor;
    let pages = 0;
    while (cursor !== undefined) {
      const page = await http<CallParticipantsPage>(
        url,
        'GET',
        `/admin/calls/${firstPage.id}/participants?limit=2&cursor=${encodeURIComponent(cursor)}`,
        { token: admin.accessToken },
      );
      expect(page.status).toBe(200);
      expect(page.body.participants.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.participants);
      cursor = page.body.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(10);
    }
    expect(seen.map((p) => p.userId)).toEqual(everyone);

    // Bad input is a clear 4xx; non-admins are refused.
    for (const query of ['participantLimit=0', 'participantLimit=100000', 'participantLimit=abc']) {
      const bad = await http<ApiErrorBody>(url, 'GET', `/admin/calls?${query}`, { token: admin.accessToken });
      expect(bad, query).toMatchObject({ status: 400, body: { error: { code: ErrorCode.VALIDATION } } });
    }
    for (const query of ['cursor=abc', 'cursor=-1', 'limit=0', 'limit=501']) {
      const bad = await http<ApiErrorBody>(url, 'GET', `/admin/calls/${firstPage.id}/participants?${query}`, {
        token: admin.accessToken,
      });
      expect(bad, query).toMatchObject({ status: 400, body: { error: { code: ErrorCode.VALIDATION } } });
    }
    const missing = await http<ApiErrorBody>(url, 'GET', '/admin/calls/2000000000/participants', {
      token: admin.accessToken,
    });
    expect(missing).toMatchObject({ status: 404, body: { error: { code: ErrorCode.NOT_FOUND } } });
    const notAdmin = await http(url, 'GET', `/admin/calls/${firstPage.id}/participants`, {
      token: owner.accessToken,
    });
    expect(notAdmin.status).toBe(403);
  });

  it("a private room's lock is told only to those it would admit", async () => {
    const owner = await registerUser(url, 'owner');
    const stranger = await registerUser(url, 'stranger');
    const invited = await registerUser(url, 'invited');
    const room = await privateRoom(owner, 'locked private');
    const token = await inviteOf(owner, room.id);
    const locked = await http<RoomDto>(url, 'PATCH', `/rooms/${room.id}`, {
      token: owner.accessToken,
      body: { locked: true },
    });
    expect(locked.body.locked).toBe(true);

    const strangerSocket = await connect(url, stranger.accessToken);
    // Without the current invite the room is missing to them (room-enumeration.test.ts).
    refusedWith(await request(strangerSocket, 'joinRoom', { roomId: room.id }), ErrorCode.NOT_FOUND);
    refusedWith(
      await request(strangerSocket, 'joinRoom', { roomId: room.id, inviteToken: `${token}x` }),
      ErrorCode.NOT_FOUND,
    );
    expect((await http(url, 'GET', `/rooms/${room.id}`, { token: stranger.accessToken })).status).toBe(404);

    // With the invite, the lock is what stops them.
    const invitedSocket = await connect(url, invited.accessToken);
    refusedWith(
      await request(invitedSocket, 'joinRoom', { roomId: room.id, inviteToken: token }),
      ErrorCode.ROOM_LOCKED,
    );
  });

  it('a ban racing a join never leaves the banned user a member', async () => {
    const owner = await registerUser(url, 'owner');
    const room = await privateRoom(owner, 'ban race');
    const token = await inviteOf(owner, room.id);
    const ownerSocket = await joined(owner, room.id);
    okData(
      await request(ownerSocket, 'sendMessage', {
        roomId: room.id,
        content: 'members only',
        clientMessageId: randomUUID(),
      }),
    );

    for (let round = 0; round < BAN_RACE_ROUNDS; round++) {
      // A fresh user each round, so the join budget and earlier membership play no part.
      const target = await registerUser(url, `target${round}`);
      const socket = await connect(url, target.accessToken);
      const [join, removal] = await Promise.all([
        request(socket, 'joinRoom', { roomId: room.id, inviteToken: token }),
        request(ownerSocket, 'removeParticipant', { roomId: room.id, userId: target.user.id }),
      ]);
      okData(removal);
      if (!join.ok) expect(join.error.code, `round ${round}`).toBe(ErrorCode.REMOVED_FROM_ROOM);

      // Whatever the order: out of the room, refused history, not listed, refused on rejoin.
      refusedWith(
        await request(socket, 'sendMessage', {
          roomId: room.id,
          content: 'in?',
          clientMessageId: randomUUID(),
        }),
        ErrorCode.NOT_IN_ROOM,
      );
      // (No membership, no token in the request: the private room is missing to them.)
      refusedWith(await request(socket, 'loadMessageHistory', { roomId: room.id }), ErrorCode.NOT_FOUND);
      const history = await http(url, 'GET', `/rooms/${room.id}/messages`, { token: target.accessToken });
      expect(history.status, `round ${round} history`).toBeGreaterThanOrEqual(400);
      const listed = await http<RoomDto[]>(url, 'GET', '/rooms', { token: target.accessToken });
      expect(listed.body.map((r) => r.id)).not.toContain(room.id);
      refusedWith(
        await request(socket, 'joinRoom', { roomId: room.id, inviteToken: token }),
        ErrorCode.REMOVED_FROM_ROOM,
      );
      socket.close();
    }
  });
});
