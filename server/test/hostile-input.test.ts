/** Hostile input: malformed socket payloads and REST bodies get clear errors, and the server keeps serving. */
import { randomUUID } from 'node:crypto';
import { ErrorCode, type ApiErrorBody } from '@minimeet/shared';
import { describe, expect, it } from 'vitest';
import {
  connect,
  createRoom,
  http,
  okData,
  rawRequest,
  record,
  registerUser,
  request,
  sleep,
  waitFor,
} from './helpers/chat-client.js';
import { DB_KINDS } from '@minimeet/test-harness';
import { useChatTarget } from './helpers/chat-server.js';

const HUGE = 'x'.repeat(200_000);
/** Oversized for every field, yet under the 64 KB Socket.IO frame limit (bigger frames drop the connection). */
const LONG = 'x'.repeat(50_000);

describe.each(DB_KINDS)('hostile input (%s)', (kind) => {
  let url: string;
  useChatTarget(kind, (started) => {
    url = started.url;
  });

  async function serverStillServes() {
    const a = await registerUser(url, 'alive');
    const socket = await connect(url, a.accessToken);
    const room = await createRoom(url, a.accessToken, 'alive');
    okData(await request(socket, 'joinRoom', { roomId: room.id }));
    okData(
      await request(socket, 'sendMessage', {
        roomId: room.id,
        content: 'still here',
        clientMessageId: randomUUID(),
      }),
    );
  }

  it('malformed payloads on every socket event get a clear error and the server keeps serving', async () => {
    const a = await registerUser(url, 'fuzz');
    const socket = await connect(url, a.accessToken);
    const room = await createRoom(url, a.accessToken, 'fuzz');
    okData(await request(socket, 'joinRoom', { roomId: room.id }));
    const messageErrors = record(socket, 'messageError');
    const uuid = randomUUID();

    const common: unknown[] = [
      undefined,
      null,
      'text',
      42,
      true,
      [],
      [room.id],
      {},
      { roomId: 'abc' },
      { roomId: String(room.id) },
      { roomId: 1.5 },
      { roomId: -3 },
      { roomId: 0 },
      { roomId: LONG },
      { roomId: { $gt: 0 } },
      { roomId: room.id, extra: 1 },
    ];
    const cases: Record<string, unknown[]> = {
      joinRoom: common,
      leaveRoom: common,
      loadMessageHistory: [
        ...common,
        { roomId: room.id, before: 'x' },
        { roomId: room.id, before: -1 },
        { roomId: room.id, limit: 0 },
        { roomId: room.id, limit: 101 },
        { roomId: room.id, limit: '10' },
      ],
      sendMessage: [
        ...common,
        { roomId: room.id, clientMessageId: uuid },
        { roomId: room.id, content: 'hi' },
        { roomId: room.id, content: 'hi', clientMessageId: 'not-a-uuid' },
        { roomId: room.id, content: 'hi', clientMessageId: 12 },
        { roomId: room.id, content: 42, clientMessageId: uuid },
        { roomId: room.id, content: ['a'], clientMessageId: uuid },
        { roomId: room.id, content: '', clientMessageId: uuid },
        { roomId: room.id, content: '   \n\t ', clientMessageId: uuid },
        { roomId: room.id, content: 'y'.repeat(2001), clientMessageId: uuid },
        { roomId: room.id, content: LONG, clientMessageId: uuid },
        { roomId: room.id, content: 'hi', clientMessageId: uuid, senderId: 1 },
      ],
    };
    let sendMessageCases = 0;
    for (const [event, payloads] of Object.entries(cases)) {
      for (const payload of payloads) {
        const ack = await rawRequest(socket, event, payload);
        expect(ack, `${event} ${JSON.stringify(payload)?.slice(0, 80)}`).toMatchObject({
          ok: false,
          error: { code: ErrorCode.VALIDATION },
        });
        if (!ack.ok) {
          expect(ack.error.message.length).toBeGreaterThan(0);
          expect(ack.error.message.length).toBeLessThan(500);
        }
        if (event === 'sendMessage') sendMessageCases += 1;
      }
    }
    const detailed = await rawRequest(socket, 'sendMessage', {
      roomId: room.id,
      content: '',
      clientMessageId: 'nope',
      junk: 1,
    });
    expect(detailed.ok).toBe(false);
    if (!detailed.ok)
      expect(Object.keys(detailed.error.details?.fields ?? {}).sort()).toEqual([
        'clientMessageId',
        'content',
        'junk',
      ]);
    await waitFor(
      () => messageErrors.length === sendMessageCases + 1,
      3000,
      'one messageError per bad sendMessage',
    );
    expect(messageErrors.every((e) => e.error.code === ErrorCode.VALIDATION)).toBe(true);

    // Events without an ack, unknown events, and extra arguments must not break anything.
    const untyped = socket as unknown as { emit(ev: string, ...args: unknown[]): void };
    untyped.emit('sendMessage', { roomId: room.id, content: 'no ack', clientMessageId: randomUUID() });
    untyped.emit('sendMessage');
    untyped.emit('noSuchEvent', { a: 1 });
    untyped.emit('joinRoom', { roomId: room.id }, 'second arg', 3);
    // Nothing was stored by the bad payloads; the valid no-ack message was.
    await sleep(200);
    const history = okData(await request(socket, 'loadMessageHistory', { roomId: room.id }));
    expect(history.messages.map((m) => m.content)).toEqual(['no ack']);
    // A JSON "__proto__" key is dropped or refused, never merged into prototypes.
    const proto = await rawRequest(
      socket,
      'loadMessageHistory',
      JSON.parse(`{"roomId":${room.id},"__proto__":{"polluted":true}}`),
    );
    expect(proto.ok === true || (!proto.ok && proto.error.code === ErrorCode.VALIDATION)).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(socket.connected).toBe(true);
    await serverStillServes();
  });

  it('malformed REST input gets a 4xx JSON error and the server keeps serving', async () => {
    const a = await registerUser(url, 'restfuzz');
    const token = a.accessToken;
    const room = await createRoom(url, token, 'rest fuzz');
    type Case = [
      method: string,
      path: string,
      opts: { token?: string; body?: unknown; rawBody?: string },
      status: number,
    ];
    const cases: Case[] = [
      ['POST', '/auth/register', { body: {} }, 400],
      ['POST', '/auth/register', { body: { username: 'okname' } }, 400],
      ['POST', '/auth/register', { body: { username: 42, password: 'password123' } }, 400],
      ['POST', '/auth/register', { body: { username: 'ab', password: 'password123' } }, 400],
      ['POST', '/auth/register', { body: { username: 'bad name!', password: 'password123' } }, 400],
      ['POST', '/auth/register', { body: { username: 'okname2', password: 'short' } }, 400],
      ['POST', '/auth/register', { body: { username: 'okname3', password: 'p'.repeat(129) } }, 400],
      ['POST', '/auth/register', { body: { username: HUGE.slice(0, 50_000), password: 'password123' } }, 400],
      [
        'POST',
        '/auth/register',
        { body: { username: 'okname4', password: 'password123', role: 'admin' } },
        400,
      ],
      ['POST', '/auth/register', { body: [1, 2] }, 400],
      ['POST', '/auth/register', { rawBody: '{"username":' }, 400],
      [
        'POST',
        '/auth/register',
        { rawBody: JSON.stringify({ username: 'big', password: HUGE.repeat(3) }) },
        413,
      ],
      ['POST', '/auth/login', { body: { username: a.user.username } }, 400],
      ['POST', '/auth/login', { body: { username: a.user.username, password: { $ne: 1 } } }, 400],
      ['POST', '/auth/login', { body: { username: a.user.username, password: 'wrong password' } }, 401],
      ['POST', '/auth/login', { body: { username: 'nobody_here', password: 'wrong password' } }, 401],
      ['GET', '/auth/me', { token: 'garbage' }, 401],
      ['POST', '/rooms', { token, body: {} }, 400],
      ['POST', '/rooms', { token, body: { name: '' } }, 400],
      ['POST', '/rooms', { token, body: { name: '    ' } }, 400],
      ['POST', '/rooms', { token, body: { name: 'n'.repeat(65) } }, 400],
      ['POST', '/rooms', { token, body: { name: 7 } }, 400],
      ['POST', '/rooms', { token, body: { name: 'ok', maxParticipants: 1 } }, 400],
      ['POST', '/rooms', { token, body: { name: 'ok', maxParticipants: 201 } }, 400], // one above ROOM_MAX_PARTICIPANTS_LIMIT (default 200)
      ['POST', '/rooms', { token, body: { name: 'ok', maxParticipants: '8' } }, 400],
      ['POST', '/rooms', { token, body: { name: 'ok', ownerId: 1 } }, 400],
      ['POST', '/rooms', { body: { name: 'no token' } }, 401],
      ['GET', '/rooms/abc', { token }, 400],
      ['GET', '/rooms/-1', { token }, 400],
      ['GET', '/rooms/99999999999999', { token }, 400],
      ['GET', '/rooms/424242', { token }, 404],
      ['DELETE', '/rooms/abc', { token }, 400],
      ['DELETE', '/rooms/424242', { token }, 404],
      ['GET', `/rooms/${room.id}/messages?limit=0`, { token }, 400],
      ['GET', `/rooms/${room.id}/messages?limit=1000`, { token }, 400],
      ['GET', `/rooms/${room.id}/messages?limit=abc`, { token }, 400],
      ['GET', `/rooms/${room.id}/messages?before=-5`, { token }, 400],
      ['GET', `/rooms/${room.id}/messages?before=1&junk=1`, { token }, 400],
      ['GET', `/rooms/${room.id}/messages?limit=1&limit=2`, { token }, 400],
      ['GET', '/messages/search', { token }, 400],
      ['GET', '/messages/search?q=', { token }, 400],
      ['GET', `/messages/search?q=${'q'.repeat(201)}`, { token }, 400],
      ['GET', '/messages/search?q=hi&roomId=abc', { token }, 400],
      ['GET', '/messages/search?q=hi&roomId=424242', { token }, 404],
      ['GET', '/messages/search?q=a&q=b', { token }, 400],
    ];
    for (const [method, path, opts, status] of cases) {
      const res = await http<ApiErrorBody>(url, method, path, opts);
      const label = `${method} ${path.slice(0, 60)} ${JSON.stringify(opts.body ?? opts.rawBody ?? '').slice(0, 60)}`;
      expect(res.status, label).toBe(status);
      expect(res.body.statusCode, label).toBe(status);
      expect(typeof res.body.error?.code, label).toBe('string');
      expect(typeof res.body.error?.message, label).toBe('string');
      if (status === 400) expect(res.body.error.code, label).toBe(ErrorCode.VALIDATION);
    }
    const fields = await http<ApiErrorBody>(url, 'POST', '/auth/register', {
      body: { username: 'x', extra: true },
    });
    expect(Object.keys(fields.body.error.details?.fields ?? {}).sort()).toEqual([
      'extra',
      'password',
      'username',
    ]);
    // Same 401 message for an unknown user and a wrong password.
    const unknown = await http<ApiErrorBody>(url, 'POST', '/auth/login', {
      body: { username: 'nobody_here', password: 'whatever12' },
    });
    const wrong = await http<ApiErrorBody>(url, 'POST', '/auth/login', {
      body: { username: a.user.username, password: 'whatever12' },
    });
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    await serverStillServes();
  });
});
