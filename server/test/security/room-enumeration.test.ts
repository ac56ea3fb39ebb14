/**
 * Issue 18 item 6, no enumeration of private rooms: to a caller who may not see it, a private
 * room answers exactly like a room that does not exist (and like a deleted one) on every REST
 * route and socket event that names a room — status, code, message and body shape — while its
 * owner, members, admins and invite holders keep their full behaviour, and the lock state
 * reaches only those who could join. Real built server, real Socket.IO clients, SQLite and MariaDB.
 */
import {
  ClientEvent,
  ErrorCode,
  type Ack,
  type AuthResponse,
  type ClientEventName,
  type RoomDto,
  type RoomInviteDto,
} from '@minimeet/shared';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, DB_KINDS } from '@minimeet/test-harness';
import {
  closeAllSockets,
  connect,
  createRoom,
  http,
  okData,
  rawRequest,
  registerUser,
  request,
  type ClientSocket,
} from '../helpers/chat-client.js';
import { basicAuth, createApiKey } from '../helpers/api-keys.js';
import { startChatTarget, type ChatTarget } from '../helpers/chat-server.js';

const JOINS_PER_MINUTE = 3;

/** Every REST route that names a room (`METHOD /api/path` as in the OpenAPI document). */
interface RestCase {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: (roomId: number) => string;
  body?: unknown;
}
const REST_ROUTES: Record<string, RestCase> = {
  'GET /api/rooms/{id}': { method: 'GET', path: (id) => `/rooms/${id}` },
  'GET /api/rooms/{id}/preview': { method: 'GET', path: (id) => `/rooms/${id}/preview` },
  'PATCH /api/rooms/{id}': { method: 'PATCH', path: (id) => `/rooms/${id}`, body: { locked: false } },
  'DELETE /api/rooms/{id}': { method: 'DELETE', path: (id) => `/rooms/${id}` },
  'GET /api/rooms/{id}/invite': { method: 'GET', path: (id) => `/rooms/${id}/invite` },
  'POST /api/rooms/{id}/invite/rotate': { method: 'POST', path: (id) => `/rooms/${id}/invite/rotate` },
  'GET /api/rooms/{id}/bans': { method: 'GET', path: (id) => `/rooms/${id}/bans` },
  'DELETE /api/rooms/{id}/bans/{userId}': { method: 'DELETE', path: (id) => `/rooms/${id}/bans/1` },
  'GET /api/rooms/{id}/messages': { method: 'GET', path: (id) => `/rooms/${id}/messages` },
  'POST /api/rooms/{id}/attachments': { method: 'POST', path: (id) => `/rooms/${id}/attachments`, body: {} },
  'GET /api/rooms/{id}/recordings': { method: 'GET', path: (id) => `/rooms/${id}/recordings` },
  'GET /api/messages/search': { method: 'GET', path: (id) => `/messages/search?q=secret&roomId=${id}` },
};

/**
 * The API key surface (HTTP Basic keyid:secret): a room that is not the key's — another user's
 * private room, a missing one, a deleted one — answers the same on every route naming a room.
 */
const V1_ROUTES: Record<string, RestCase> = {
  'DELETE /api/v1/rooms/{id}': { method: 'DELETE', path: (id) => `/v1/rooms/${id}` },
  'GET /api/v1/rooms/{id}/participants': { method: 'GET', path: (id) => `/v1/rooms/${id}/participants` },
  'DELETE /api/v1/rooms/{id}/participants/{userId}': { method: 'DELETE', path: (id) => `/v1/rooms/${id}/participants/1` },
  'POST /api/v1/rooms/{id}/end': { method: 'POST', path: (id) => `/v1/rooms/${id}/end` },
};

/** Every socket event whose payload names a room, with such a payload (`userId` is filled in). */
const ROOM_EVENTS: Partial<Record<ClientEventName, (roomId: number, userId: number) => unknown>> = {
  joinRoom: (roomId) => ({ roomId }),
  leaveRoom: (roomId) => ({ roomId }),
  loadParticipants: (roomId) => ({ roomId, cursor: 0 }),
  sendMessage: (roomId) => ({ roomId, content: 'hello', clientMessageId: randomUUID() }),
  loadMessageHistory: (roomId) => ({ roomId }),
  createWebRtcTransport: (roomId) => ({ roomId, direction: 'send' }),
  getMediaStats: (roomId) => ({ roomId }),
  muteParticipant: (roomId, userId) => ({ roomId, userId, source: 'mic' }),
  removeParticipant: (roomId, userId) => ({ roomId, userId }),
  endCall: (roomId) => ({ roomId }),
  raiseHand: (roomId) => ({ roomId }),
  lowerHand: (roomId, userId) => ({ roomId, userId }),
  sendReaction: (roomId) => ({ roomId, emoji: '👍' }),
  muteAll: (roomId) => ({ roomId }),
  setStage: (roomId, userId) => ({ roomId, userId, onStage: true }),
  admitParticipant: (roomId, userId) => ({ roomId, userId }),
  denyParticipant: (roomId, userId) => ({ roomId, userId }),
  admitAll: (roomId) => ({ roomId }),
  startRecording: (roomId) => ({ roomId }),
  stopRecording: (roomId) => ({ roomId }),
};
/** The other events name transports, producers or consumers of the caller's own, or no room at all. */
const EVENTS_WITHOUT_ROOM: ClientEventName[] = [
  'connectWebRtcTransport',
  'restartIce',
  'produce',
  'pauseProducer',
  'resumeProducer',
  'closeProducer',
  'consume',
  'pauseConsumer',
  'resumeConsumer',
  'closeConsumer',
  'setConsumerLayers',
  'admin:subscribe',
  'admin:unsubscribe',
  'auth:renew',
];

/** An answer with the room id written as `<room>`, so answers about different ids compare. */
function normalized(answer: unknown, roomId: number): unknown {
  return JSON.parse(JSON.stringify(answer ?? null).replace(new RegExp(`\\b${roomId}\\b`, 'g'), '<room>'));
}

function refusedWith(ack: Ack<unknown>, code: ErrorCode): void {
  expect(ack.ok ? 'ok' : ack.error.code).toBe(code);
}

describe.each(DB_KINDS)('private rooms cannot be told from missing ones (%s)', (kind) => {
  let target: ChatTarget;
  let url: string;
  let admin: AuthResponse;
  let owner: AuthResponse;
  let member: AuthResponse;
  let stranger: AuthResponse;
  let removed: AuthResponse;
  /** Private, locked, with a message, a member and a removed member. */
  let secret: RoomDto;
  let inviteToken: string;
  let deletedId: number;
  let missingId: number;

  beforeAll(async () => {
    target = await startChatTarget(kind, { ROOM_JOINS_PER_MINUTE: String(JOINS_PER_MINUTE) });
    url = target.url;
    await createAdmin(target.db.url, 'enum_admin', 'admin password');
    admin = (
      await http<AuthResponse>(url, 'POST', '/auth/login', {
        body: { username: 'enum_admin', password: 'admin password' },
      })
    ).body;
    owner = await registerUser(url, 'owner');
    member = await registerUser(url, 'member');
    stranger = await registerUser(url, 'stranger');
    removed = await registerUser(url, 'removed');
    const created = await http<RoomDto>(url, 'POST', '/rooms', {
      token: owner.accessToken,
      body: { name: 'secret plans', visibility: 'private' },
    });
    expect(created.status).toBe(201);
    secret = created.body;
    inviteToken = (
      await http<RoomInviteDto>(url, 'GET', `/rooms/${secret.id}/invite`, { token: owner.accessToken })
    ).body.inviteToken;

    const ownerSocket = await connect(url, owner.accessToken);
    okData(await request(ownerSocket, 'joinRoom', { roomId: secret.id }));
    for (const user of [member, removed]) {
      const s = await connect(url, user.accessToken);
      okData(await request(s, 'joinRoom', { roomId: secret.id, inviteToken }));
      okData(await request(s, 'leaveRoom', { roomId: secret.id }));
    }
    okData(
      await request(ownerSocket, 'sendMessage', {
        roomId: secret.id,
        content: 'secret zebra',
        clientMessageId: randomUUID(),
      }),
    );
    okData(await request(ownerSocket, 'removeParticipant', { roomId: secret.id, userId: removed.user.id }));
    const locked = await http<RoomDto>(url, 'PATCH', `/rooms/${secret.id}`, {
      token: owner.accessToken,
      body: { locked: true },
    });
    expect(locked.body.locked).toBe(true);

    const doomed = await createRoom(url, owner.accessToken, 'doomed');
    expect((await http(url, 'DELETE', `/rooms/${doomed.id}`, { token: owner.accessToken })).status).toBe(204);
    deletedId = doomed.id;
    missingId = secret.id + 1_000_000;
    closeAllSockets();
  }, 60_000);

  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
  });

  it('the tables name every REST route and socket event that takes a room', async () => {
    const spec = (await (await fetch(`${url}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>>;
    };
    const namingARoom: string[] = [];
    const v1NamingARoom: string[] = [];
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const route = `${method.toUpperCase()} ${path}`;
        if (path.startsWith('/api/v1/rooms/{id}')) v1NamingARoom.push(route);
        else if (path.startsWith('/api/rooms/{id}') || (op.parameters ?? []).some((p) => p.name === 'roomId'))
          namingARoom.push(route);
      }
    }
    expect(namingARoom.sort()).toEqual(Object.keys(REST_ROUTES).sort());
    expect(v1NamingARoom.sort()).toEqual(Object.keys(V1_ROUTES).sort());
    expect(Object.keys(ClientEvent).sort()).toEqual([...Object.keys(ROOM_EVENTS), ...EVENTS_WITHOUT_ROOM].sort());
  });

  it('API key REST: a room not of the key answers the same as a missing and a deleted one', async () => {
    const key = await createApiKey(target.db.url, 'enum app');
    for (const [route, { method, path, body }] of Object.entries(V1_ROUTES)) {
      const answers = [];
      for (const id of [secret.id, missingId, deletedId]) {
        answers.push(normalized(await http(url, method, path(id), { authorization: basicAuth(key), body }), id));
      }
      expect(answers[0], route).toMatchObject({ status: 404, body: { error: { code: ErrorCode.NOT_FOUND } } });
      expect(answers[1], route).toEqual(answers[0]);
      expect(answers[2], route).toEqual(answers[0]);
    }
    const after = await http<RoomDto>(url, 'GET', `/rooms/${secret.id}`, { token: owner.accessToken });
    expect(after.status).toBe(200);
  });

  for (const who of ['stranger', 'removed member'] as const) {
    it(`REST: a ${who} gets the same answer for the private room as for a missing and a deleted one`, async () => {
      const caller = who === 'stranger' ? stranger : removed;
      for (const [route, { method, path, body }] of Object.entries(REST_ROUTES)) {
        const answers = [];
        for (const id of [secret.id, missingId, deletedId]) {
          const res = await http(url, method, path(id), { token: caller.accessToken, body });
          answers.push(normalized(res, id));
        }
        expect(answers[0], route).toEqual({
          status: 404,
          body: { statusCode: 404, error: { code: ErrorCode.NOT_FOUND, message: 'Room not found' } },
        });
        expect(answers[1], route).toEqual(answers[0]);
        expect(answers[2], route).toEqual(answers[0]);
      }
    });

    it(`sockets: a ${who} gets the same ack for the private room as for a missing and a deleted one (also with a wrong invite, and past the join rate)`, async () => {
      const caller = who === 'stranger' ? stranger : removed;
      const socket = await connect(url, caller.accessToken);
      const payloads: Array<[string, (roomId: number) => unknown]> = Object.entries(ROOM_EVENTS).map(
        ([event, payload]) => [event, (roomId: number) => payload(roomId, owner.user.id)],
      );
      const wrong = `${inviteToken.slice(0, -1)}${inviteToken.endsWith('A') ? 'B' : 'A'}`;
      payloads.push(['joinRoom', (roomId) => ({ roomId, inviteToken: wrong })]);
      // More joins than the per-room join rate allows: a private room must not start answering RATE_LIMITED.
      for (let i = 0; i < JOINS_PER_MINUTE; i++) payloads.push(['joinRoom', (roomId) => ({ roomId })]);
      for (const [event, payload] of payloads) {
        const answers = [];
        for (const id of [secret.id, missingId, deletedId]) {
          answers.push(normalized(await rawRequest(socket, event, payload(id)), id));
        }
        expect(answers[0], event).toMatchObject({ ok: false, error: { code: expect.any(String) as string } });
        expect(answers[1], event).toEqual(answers[0]);
        expect(answers[2], event).toEqual(answers[0]);
      }
      refusedWith(await request(socket, 'joinRoom', { roomId: secret.id }), ErrorCode.NOT_FOUND);
      refusedWith(await request(socket, 'loadMessageHistory', { roomId: secret.id }), ErrorCode.NOT_FOUND);
      refusedWith(
        await request(socket, 'removeParticipant', { roomId: secret.id, userId: member.user.id }),
        ErrorCode.NOT_FOUND,
      );
      // Nothing the requests named changed: the room is still there, still locked, the member still in.
      const after = await http<RoomDto>(url, 'GET', `/rooms/${secret.id}`, { token: owner.accessToken });
      expect(after.body).toMatchObject({ id: secret.id, locked: true });
      expect((await http(url, 'GET', `/rooms/${secret.id}/messages`, { token: member.accessToken })).status).toBe(200);
    });
  }

  it('the room is listed, described, readable and joinable for its owner, members, admins and invite holders, with its lock', async () => {
    for (const user of [owner, member, admin]) {
      const listed = await http<RoomDto[]>(url, 'GET', '/rooms', { token: user.accessToken });
      expect(listed.body.find((r) => r.id === secret.id), user.user.username).toMatchObject({ locked: true });
      const got = await http<RoomDto>(url, 'GET', `/rooms/${secret.id}`, { token: user.accessToken });
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ id: secret.id, visibility: 'private', locked: true });
      const history = await http<{ messages: Array<{ content: string }> }>(
        url,
        'GET',
        `/rooms/${secret.id}/messages`,
        { token: user.accessToken },
      );
      expect(history.body.messages.map((m) => m.content)).toContain('secret zebra');
    }
    // A member is no moderator: settings are FORBIDDEN (the room is visible to them).
    const patch = await http(url, 'PATCH', `/rooms/${secret.id}`, { token: member.accessToken, body: { locked: false } });
    expect(patch).toMatchObject({ status: 403, body: { error: { code: ErrorCode.FORBIDDEN } } });

    // Owner and admin join the locked room; an invite holder sees it exists and is locked.
    const ownerSocket = await connect(url, owner.accessToken);
    expect(okData(await request(ownerSocket, 'joinRoom', { roomId: secret.id })).room.locked).toBe(true);
    const adminSocket = await connect(url, admin.accessToken);
    okData(await request(adminSocket, 'joinRoom', { roomId: secret.id }));
    const holder = await registerUser(url, 'holder');
    const holderSocket = await connect(url, holder.accessToken);
    refusedWith(await request(holderSocket, 'joinRoom', { roomId: secret.id, inviteToken }), ErrorCode.ROOM_LOCKED);
    // A removed user holding the invite knows the room anyway: told they were removed.
    const removedSocket = await connect(url, removed.accessToken);
    refusedWith(
      await request(removedSocket, 'joinRoom', { roomId: secret.id, inviteToken }),
      ErrorCode.REMOVED_FROM_ROOM,
    );

    const unlock = await http<RoomDto>(url, 'PATCH', `/rooms/${secret.id}`, {
      token: owner.accessToken,
      body: { locked: false },
    });
    expect(unlock.body.locked).toBe(false);
    const joined = okData(await request(holderSocket, 'joinRoom', { roomId: secret.id, inviteToken }));
    expect(joined.room).toMatchObject({ id: secret.id, locked: false });
    okData(await request(holderSocket, 'sendMessage', { roomId: secret.id, content: 'in', clientMessageId: randomUUID() }));
    const memberSocket: ClientSocket = await connect(url, member.accessToken);
    okData(await request(memberSocket, 'joinRoom', { roomId: secret.id }));
    okData(await request(ownerSocket, 'endCall', { roomId: secret.id }));
    await http(url, 'PATCH', `/rooms/${secret.id}`, { token: owner.accessToken, body: { locked: true } });
  });

  it('the lock reaches no one who may not see the room: not listed, no room payload at all for a stranger', async () => {
    const listed = await http<RoomDto[]>(url, 'GET', '/rooms', { token: stranger.accessToken });
    expect(listed.status).toBe(200);
    expect(listed.body.map((r) => r.id)).not.toContain(secret.id);
    const socket = await connect(url, stranger.accessToken);
    const ack = await request(socket, 'joinRoom', { roomId: secret.id });
    expect(JSON.stringify(ack)).not.toMatch(/lock/i);
    // A public locked room shows its lock to anyone: anyone could join it once unlocked.
    const pub = await createRoom(url, owner.accessToken, 'open plan');
    await http(url, 'PATCH', `/rooms/${pub.id}`, { token: owner.accessToken, body: { locked: true } });
    const seen = await http<RoomDto>(url, 'GET', `/rooms/${pub.id}`, { token: stranger.accessToken });
    expect(seen.body.locked).toBe(true);
    refusedWith(await request(socket, 'joinRoom', { roomId: pub.id }), ErrorCode.ROOM_LOCKED);
    const forbidden = await http(url, 'PATCH', `/rooms/${pub.id}`, { token: stranger.accessToken, body: { locked: false } });
    expect(forbidden).toMatchObject({ status: 403, body: { error: { code: ErrorCode.FORBIDDEN } } });
  });
});
