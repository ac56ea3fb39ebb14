/**
 * Issue 20 item 3, the lobby (waiting room): with a room's `lobby` on, a joiner who must wait is
 * answered WAITING_IN_LOBBY and stays connected; the room's moderators see the list (join answer,
 * then lobbyUpdate) and admit or deny; admitted joins succeed for the rest of the call, denied
 * ones answer LOBBY_DENIED for a while; leaving or disconnecting takes a waiter off the list;
 * turning the lobby off lets everyone in; lobby.knock goes to the webhook receiver. Real built
 * server, real Socket.IO clients, SQLite and MariaDB.
 */
import {
  ErrorCode,
  type AuthResponse,
  type GuestAuthResponse,
  type LobbyMode,
  type RoomDto,
} from '@minimeet/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '@minimeet/test-harness';
import {
  closeAllSockets,
  connect,
  createRoom,
  http,
  okData,
  refusedWith,
  registerUser,
  request,
  sleep,
  waitFor,
} from './helpers/chat-client.js';
import { startChatTarget, type ChatTarget } from './helpers/chat-server.js';
import { lobbyHost, lobbyWaiter } from './helpers/lobby-client.js';
import { signatureValid, WebhookReceiver } from './helpers/webhook-receiver.js';

const SECRET = 'lobby-webhook-secret-0123456789';
const DENY_COOLDOWN_MS = 1500;
const MAX_WAITING = 3;

describe.each(DB_KINDS)('lobby (%s)', (kind) => {
  const receiver = new WebhookReceiver();
  let target: ChatTarget;
  let url: string;
  let owner: AuthResponse;

  beforeAll(async () => {
    await receiver.start();
    target = await startChatTarget(kind, {
      WEBHOOK_URLS: receiver.url,
      WEBHOOK_SECRET: SECRET,
      LOBBY_DENY_COOLDOWN_MS: String(DENY_COOLDOWN_MS),
      LOBBY_MAX_WAITING: String(MAX_WAITING),
      LOBBY_KNOCKS_PER_MINUTE: '3',
    });
    url = target.url;
    owner = await registerUser(url, 'lobbyhost');
  }, 60_000);

  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
    await receiver.stop();
  });

  afterEach(() => closeAllSockets());

  async function room(lobby: LobbyMode, extra: Record<string, unknown> = {}): Promise<RoomDto> {
    const created = await createRoom(url, owner.accessToken, 'lobby room');
    const res = await http<RoomDto>(url, 'PATCH', `/rooms/${created.id}`, {
      token: owner.accessToken,
      body: { lobby, allowGuests: true, ...extra },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.lobby).toBe(lobby);
    return res.body;
  }

  async function guest(roomId: number, displayName: string): Promise<GuestAuthResponse> {
    const res = await http<GuestAuthResponse>(url, 'POST', '/auth/guest', { body: { roomId, displayName } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  const hostIn = (roomId: number) => lobbyHost(url, owner.accessToken, roomId);
  const waiting = (token: string, roomId: number) => lobbyWaiter(url, token, roomId);


  it("'everyone': a member waits, the host sees the list and admits, and the admission holds for rejoins", async () => {
    const r = await room('everyone');
    const member = await registerUser(url, 'member');
    const early = await waiting(member.accessToken, r.id);
    expect(early.socket.connected).toBe(true);

    // A host joining later gets the list in the join answer.
    const host = await hostIn(r.id);
    expect(host.joined.lobbyWaiting?.map((e) => [e.userId, e.username, e.guest])).toEqual([
      [member.user.id, member.user.username, undefined],
    ]);
    expect(Date.parse(host.joined.lobbyWaiting![0]!.since)).toBeGreaterThan(Date.now() - 60_000);
    // Nobody else sees it: the waiter is not in the call.
    expect(host.joined.participants.map((p) => p.userId)).toEqual([owner.user.id]);

    // A second member knocks while the host is there: the update lists both, oldest first.
    const second = await registerUser(url, 'second');
    const late = await waiting(second.accessToken, r.id);
    await waitFor(() => host.waiting()?.length === 2, 5000, 'update with two waiting');
    expect(host.waiting()).toEqual([member.user.id, second.user.id]);

    const answer = okData(await request(host.socket, 'admitParticipant', { roomId: r.id, userId: member.user.id }));
    expect(answer.waiting.map((e) => e.userId)).toEqual([second.user.id]);
    await waitFor(() => early.admitted.length === 1, 5000, 'lobbyAdmitted');
    expect(early.admitted[0]).toEqual({ roomId: r.id });
    await waitFor(() => host.waiting()?.length === 1, 5000, 'update after admit');
    expect(late.admitted).toEqual([]);

    const joined = okData(await request(early.socket, 'joinRoom', { roomId: r.id }));
    expect(joined.participants.map((p) => p.userId).sort()).toEqual([owner.user.id, member.user.id].sort());
    expect(joined.lobbyWaiting).toBeUndefined();
    // A reconnect (another socket) joins at once: admitted for the rest of the call.
    early.socket.close();
    const again = await connect(url, member.accessToken);
    okData(await request(again, 'joinRoom', { roomId: r.id }));
  });

  it('deny: the waiter is told, joins answer LOBBY_DENIED during the cooldown, then may knock again', async () => {
    const r = await room('everyone');
    const host = await hostIn(r.id);
    const member = await registerUser(url, 'denied');
    const w = await waiting(member.accessToken, r.id);
    await waitFor(() => host.waiting()?.length === 1, 5000, 'knock');

    const answer = okData(await request(host.socket, 'denyParticipant', { roomId: r.id, userId: member.user.id }));
    expect(answer.waiting).toEqual([]);
    await waitFor(() => w.denied.length === 1, 5000, 'lobbyDenied');
    expect(w.denied[0]).toEqual({ roomId: r.id });
    refusedWith(await request(w.socket, 'joinRoom', { roomId: r.id }), ErrorCode.LOBBY_DENIED);
    const other = await connect(url, member.accessToken);
    refusedWith(await request(other, 'joinRoom', { roomId: r.id }), ErrorCode.LOBBY_DENIED);
    expect(host.waiting()).toEqual([]);

    await sleep(DENY_COOLDOWN_MS + 200);
    refusedWith(await request(other, 'joinRoom', { roomId: r.id }), ErrorCode.WAITING_IN_LOBBY);
    await waitFor(() => host.waiting()?.length === 1, 5000, 'second knock');
  });

  it('only moderators decide (FORBIDDEN), and only about someone waiting (NOT_FOUND)', async () => {
    const r = await room('everyone');
    const host = await hostIn(r.id);
    const member = await registerUser(url, 'admitted');
    const w = await waiting(member.accessToken, r.id);
    okData(await request(host.socket, 'admitParticipant', { roomId: r.id, userId: member.user.id }));
    await waitFor(() => w.admitted.length === 1, 5000, 'lobbyAdmitted');
    okData(await request(w.socket, 'joinRoom', { roomId: r.id }));

    const knocker = await registerUser(url, 'knocker');
    await waiting(knocker.accessToken, r.id);
    // A participant who is no moderator decides nothing.
    for (const event of ['admitParticipant', 'denyParticipant'] as const)
      refusedWith(await request(w.socket, event, { roomId: r.id, userId: knocker.user.id }), ErrorCode.FORBIDDEN);
    refusedWith(await request(w.socket, 'admitAll', { roomId: r.id }), ErrorCode.FORBIDDEN);
    // Someone not waiting (already in, or unknown).
    refusedWith(await request(host.socket, 'admitParticipant', { roomId: r.id, userId: member.user.id }), ErrorCode.NOT_FOUND);
    refusedWith(await request(host.socket, 'denyParticipant', { roomId: r.id, userId: 999_999 }), ErrorCode.NOT_FOUND);
    // Bad input is a validation error, not a crash.
    refusedWith(await request(host.socket, 'admitParticipant', { roomId: r.id, userId: -1 }), ErrorCode.VALIDATION);
    expect(host.waiting()).toEqual([knocker.user.id]);
  });

  it('a waiter who disconnects or leaves is taken off the list (the host is told)', async () => {
    const r = await room('everyone');
    const host = await hostIn(r.id);
    const a = await registerUser(url, 'leaver');
    const b = await registerUser(url, 'dropper');
    const wa = await waiting(a.accessToken, r.id);
    const wb = await waiting(b.accessToken, r.id);
    await waitFor(() => host.waiting()?.length === 2, 5000, 'two waiting');

    okData(await request(wa.socket, 'leaveRoom', { roomId: r.id }));
    await waitFor(() => host.waiting()?.length === 1, 5000, 'leave update');
    expect(host.waiting()).toEqual([b.user.id]);

    // Two tabs waiting: the user stays listed until the last one goes.
    const wb2 = await waiting(b.accessToken, r.id);
    wb.socket.close();
    await sleep(300);
    expect(host.waiting()).toEqual([b.user.id]);
    wb2.socket.close();
    await waitFor(() => host.waiting()?.length === 0, 5000, 'disconnect update');
    refusedWith(await request(host.socket, 'admitParticipant', { roomId: r.id, userId: b.user.id }), ErrorCode.NOT_FOUND);
  });

  it('turning the lobby off admits everyone waiting; admitAll admits all at once', async () => {
    const r = await room('everyone');
    const host = await hostIn(r.id);
    const a = await registerUser(url, 'offa');
    const b = await registerUser(url, 'offb');
    const wa = await waiting(a.accessToken, r.id);
    const wb = await waiting(b.accessToken, r.id);
    const off = await http<RoomDto>(url, 'PATCH', `/rooms/${r.id}`, { token: owner.accessToken, body: { lobby: 'off' } });
    expect(off.body.lobby).toBe('off');
    await waitFor(() => wa.admitted.length === 1 && wb.admitted.length === 1, 5000, 'both admitted');
    okData(await request(wa.socket, 'joinRoom', { roomId: r.id }));
    okData(await request(wb.socket, 'joinRoom', { roomId: r.id }));
    await waitFor(() => host.waiting()?.length === 0, 5000, 'empty list');

    const r2 = await room('everyone');
    const host2 = await hostIn(r2.id);
    const c = await waiting(a.accessToken, r2.id);
    const d = await waiting(b.accessToken, r2.id);
    await waitFor(() => host2.waiting()?.length === 2, 5000, 'two waiting');
    expect(okData(await request(host2.socket, 'admitAll', { roomId: r2.id })).waiting).toEqual([]);
    await waitFor(() => c.admitted.length === 1 && d.admitted.length === 1, 5000, 'both admitted');
    okData(await request(c.socket, 'joinRoom', { roomId: r2.id }));
  });

  it("'guests': members join directly, guests wait (marked), and lobby.knock reaches the webhook receiver", async () => {
    const r = await room('guests');
    const host = await hostIn(r.id);
    const member = await registerUser(url, 'direct');
    okData(await request(await connect(url, member.accessToken), 'joinRoom', { roomId: r.id }));

    const visitor = await guest(r.id, 'Visitor');
    const w = await waiting(visitor.accessToken, r.id);
    await waitFor(() => host.waiting()?.length === 1, 5000, 'guest knock');
    expect(host.updates.at(-1)!.waiting[0]).toMatchObject({ userId: visitor.user.id, username: 'Visitor', guest: true });

    await waitFor(() => receiver.forRoom(r.id).some((h) => h.event.type === 'lobby.knock'), 10_000, 'lobby.knock');
    const knock = receiver.forRoom(r.id).find((h) => h.event.type === 'lobby.knock')!;
    expect(knock.event.participant).toMatchObject({ userId: visitor.user.id, username: 'Visitor' });
    expect(signatureValid(SECRET, knock.headers, knock.body)).toBe(true);
    // One knock, one event: a further joinRoom of the same waiter sends none.
    refusedWith(await request(w.socket, 'joinRoom', { roomId: r.id }), ErrorCode.WAITING_IN_LOBBY);
    await sleep(500);
    expect(receiver.forRoom(r.id).filter((h) => h.event.type === 'lobby.knock')).toHaveLength(1);

    okData(await request(host.socket, 'admitParticipant', { roomId: r.id, userId: visitor.user.id }));
    await waitFor(() => w.admitted.length === 1, 5000, 'lobbyAdmitted');
    const joined = okData(await request(w.socket, 'joinRoom', { roomId: r.id }));
    expect(joined.participants.find((p) => p.userId === visitor.user.id)).toMatchObject({ guest: true });
  });

  it('the lobby holds at most LOBBY_MAX_WAITING, and access checks come first (lock, guests off)', async () => {
    const r = await room('everyone');
    for (let i = 0; i < MAX_WAITING; i++) await waiting((await registerUser(url, `full${i}`)).accessToken, r.id);
    const extra = await connect(url, (await registerUser(url, 'overflow')).accessToken);
    refusedWith(await request(extra, 'joinRoom', { roomId: r.id }), ErrorCode.LIMIT_EXCEEDED);

    const locked = await room('everyone', { locked: true });
    const member = await registerUser(url, 'locked');
    refusedWith(await request(await connect(url, member.accessToken), 'joinRoom', { roomId: locked.id }), ErrorCode.ROOM_LOCKED);
    const noGuests = await room('guests');
    const visitor = await guest(noGuests.id, 'Too late');
    await http(url, 'PATCH', `/rooms/${noGuests.id}`, { token: owner.accessToken, body: { allowGuests: false } });
    refusedWith(await request(await connect(url, visitor.accessToken), 'joinRoom', { roomId: noGuests.id }), ErrorCode.FORBIDDEN);
  });

  it('knocks are rate limited per user and room (RATE_LIMITED)', async () => {
    const r = await room('everyone');
    const member = await registerUser(url, 'knocky');
    // LOBBY_KNOCKS_PER_MINUTE=3: three knocks (leaving in between), the fourth is refused.
    for (let i = 0; i < 3; i++) {
      const w = await waiting(member.accessToken, r.id);
      okData(await request(w.socket, 'leaveRoom', { roomId: r.id }));
    }
    const socket = await connect(url, member.accessToken);
    refusedWith(await request(socket, 'joinRoom', { roomId: r.id }), ErrorCode.RATE_LIMITED);
  });

  it('the end of the call clears admissions: the next call waits again', async () => {
    const r = await room('everyone');
    const host = await hostIn(r.id);
    const member = await registerUser(url, 'nextcall');
    const w = await waiting(member.accessToken, r.id);
    okData(await request(host.socket, 'admitParticipant', { roomId: r.id, userId: member.user.id }));
    await waitFor(() => w.admitted.length === 1, 5000, 'lobbyAdmitted');
    okData(await request(w.socket, 'joinRoom', { roomId: r.id }));
    okData(await request(w.socket, 'leaveRoom', { roomId: r.id }));
    okData(await request(host.socket, 'leaveRoom', { roomId: r.id }));
    await sleep(200);
    refusedWith(await request(w.socket, 'joinRoom', { roomId: r.id }), ErrorCode.WAITING_IN_LOBBY);
  });
});
