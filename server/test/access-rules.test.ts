/** Who may do what: tokens on sockets, room membership for messages and search, admin-only analytics, accounts. */
import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  SOCKET_UNAUTHORIZED,
  type ApiErrorBody,
  type CallSessionsResponse,
  type SearchResponse,
} from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  createRoom,
  http,
  okData,
  record,
  registerUser,
  request,
  sleep,
} from './helpers/chat-client.js';
import { createAdmin, DB_KINDS } from '@minimeet/test-harness';
import { startChatTarget, useChatTarget, type ChatTarget } from './helpers/chat-server.js';
import { forgeToken } from './helpers/tokens.js';

describe.each(DB_KINDS)('access rules (%s)', (kind) => {
  let target: ChatTarget;
  let url: string;
  useChatTarget(kind, (started) => {
    target = started;
    url = started.url;
  });

  it('refuses sockets without a valid token with connect_error "unauthorized"', async () => {
    const a = await registerUser(url, 'tok');
    const now = Math.floor(Date.now() / 1000);
    const bad = [
      undefined,
      '',
      'not-a-jwt',
      forgeToken({ sub: a.user.id, username: a.user.username, iat: now - 100, exp: now - 10 }), // expired
      forgeToken(
        { sub: a.user.id, username: a.user.username, iat: now, exp: now + 600 },
        'some other secret',
      ),
      forgeToken({ sub: 987_654, username: 'ghost', iat: now, exp: now + 600 }), // no such user
    ];
    for (const token of bad) {
      await expect(connect(url, token)).rejects.toThrow(SOCKET_UNAUTHORIZED);
    }
    // A token as a non-string, and a valid one for contrast.
    await expect(connect(url, 42 as unknown as string)).rejects.toThrow(SOCKET_UNAUTHORIZED);
    const ok = await connect(url, a.accessToken);
    expect(ok.connected).toBe(true);
  });

  it('a user who has not joined a room cannot send to it, read its history or search it', async () => {
    const owner = await registerUser(url, 'owner');
    const ownerSocket = await connect(url, owner.accessToken);
    const outsider = await registerUser(url, 'outsider');
    const outsiderSocket = await connect(url, outsider.accessToken);
    const room = await createRoom(url, owner.accessToken, 'private talk');
    okData(await request(ownerSocket, 'joinRoom', { roomId: room.id }));
    okData(
      await request(ownerSocket, 'sendMessage', {
        roomId: room.id,
        content: 'secret platypus plans',
        clientMessageId: randomUUID(),
      }),
    );
    const outsiderMessages = record(outsiderSocket, 'newMessage');

    const send = await request(outsiderSocket, 'sendMessage', {
      roomId: room.id,
      content: 'let me in',
      clientMessageId: randomUUID(),
    });
    expect(send).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_IN_ROOM } });
    const hist = await request(outsiderSocket, 'loadMessageHistory', { roomId: room.id });
    expect(hist).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_IN_ROOM } });
    const rest = await http<ApiErrorBody>(url, 'GET', `/rooms/${room.id}/messages`, {
      token: outsider.accessToken,
    });
    expect(rest).toMatchObject({ status: 403, body: { error: { code: ErrorCode.NOT_IN_ROOM } } });
    const search = await http<SearchResponse>(url, 'GET', '/messages/search?q=platypus', {
      token: outsider.accessToken,
    });
    expect(search).toMatchObject({ status: 200, body: { results: [] } });
    const scoped = await http<ApiErrorBody>(url, 'GET', `/messages/search?q=platypus&roomId=${room.id}`, {
      token: outsider.accessToken,
    });
    expect(scoped).toMatchObject({ status: 403, body: { error: { code: ErrorCode.NOT_IN_ROOM } } });
    const leave = await request(outsiderSocket, 'leaveRoom', { roomId: room.id });
    expect(leave).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_IN_ROOM } });
    // Without a token at all: 401.
    expect((await http(url, 'GET', `/rooms/${room.id}/messages`)).status).toBe(401);
    expect((await http(url, 'GET', '/messages/search?q=platypus')).status).toBe(401);
    await sleep(100);
    expect(outsiderMessages).toHaveLength(0);
  });

  it('search finds words only in joined rooms, scoped by roomId, and is safe for SQL/FTS syntax', async () => {
    const a = await registerUser(url, 'searcher');
    const aSocket = await connect(url, a.accessToken);
    const b = await registerUser(url, 'other');
    const bSocket = await connect(url, b.accessToken);
    const shared = await createRoom(url, a.accessToken, 'shared');
    const mine = await createRoom(url, a.accessToken, 'mine');
    const theirs = await createRoom(url, b.accessToken, 'theirs');
    okData(await request(aSocket, 'joinRoom', { roomId: shared.id }));
    okData(await request(aSocket, 'joinRoom', { roomId: mine.id }));
    okData(await request(bSocket, 'joinRoom', { roomId: shared.id }));
    okData(await request(bSocket, 'joinRoom', { roomId: theirs.id }));
    const say = (socket: typeof aSocket, roomId: number, content: string) =>
      request(socket, 'sendMessage', { roomId, content, clientMessageId: randomUUID() }).then(okData);
    await say(aSocket, shared.id, 'the quokka smiles at everyone');
    await say(aSocket, mine.id, 'a quokka note to myself');
    const long = `${'lorem ipsum dolor '.repeat(20)}another quokka hides here ${'sit amet '.repeat(20)}end`;
    await say(aSocket, mine.id, long);
    await say(bSocket, theirs.id, 'quokka sighting in their room only');

    const aResults = await http<SearchResponse>(url, 'GET', '/messages/search?q=QUOKKA', {
      token: a.accessToken,
    });
    expect(aResults.status).toBe(200);
    expect(aResults.body.results.map((r) => r.message.roomId).sort()).toEqual(
      [shared.id, mine.id, mine.id].sort(),
    );
    const longHit = aResults.body.results.find((r) => r.message.content === long)!;
    expect(longHit.snippet).toContain('quokka');
    expect(longHit.snippet.length).toBeLessThan(long.length);

    const bResults = await http<SearchResponse>(url, 'GET', '/messages/search?q=quokka', {
      token: b.accessToken,
    });
    expect(bResults.body.results.map((r) => r.message.roomId).sort()).toEqual([shared.id, theirs.id].sort());

    const scoped = await http<SearchResponse>(url, 'GET', `/messages/search?q=quokka&roomId=${mine.id}`, {
      token: a.accessToken,
    });
    expect(scoped.body.results).toHaveLength(2);
    const twoWords = await http<SearchResponse>(
      url,
      'GET',
      `/messages/search?q=${encodeURIComponent('quokka smiles')}`,
      { token: a.accessToken },
    );
    expect(twoWords.body.results.map((r) => r.message.content)).toEqual(['the quokka smiles at everyone']);
    const prefix = await http<SearchResponse>(url, 'GET', '/messages/search?q=quok', {
      token: a.accessToken,
    });
    expect(prefix.body.results).toHaveLength(3);

    const hostile = [
      `quokka' OR '1'='1`,
      `"quokka`,
      `quokka"*`,
      `quokka; DROP TABLE messages; --`,
      `NEAR(quokka smiles)`,
      `content:quokka`,
      `quokka AND NOT`,
      `-quokka +++ ~~ <> @@`,
      `(((`,
      `*`,
      `%_%`,
      `\\`,
      `quokka) UNION SELECT passwordHash FROM users --`,
      `'`,
      `🦘`,
    ];
    for (const q of hostile) {
      const res = await http<SearchResponse>(url, 'GET', `/messages/search?q=${encodeURIComponent(q)}`, {
        token: a.accessToken,
      });
      expect(res.status, `query ${q}`).toBe(200);
      expect(Array.isArray(res.body.results)).toBe(true);
      for (const r of res.body.results) expect([shared.id, mine.id]).toContain(r.message.roomId);
    }
    // Tables intact after all that.
    const again = await http<SearchResponse>(url, 'GET', '/messages/search?q=quokka', {
      token: a.accessToken,
    });
    expect(again.body.results).toHaveLength(3);
  });

  it('writes CallSession rows for a join/leave sequence (admin analytics route)', async () => {
    const a = await registerUser(url, 'caller_a');
    const b = await registerUser(url, 'caller_b');
    const room = await createRoom(url, a.accessToken, 'call room');
    const aSocket = await connect(url, a.accessToken);
    const bSocket = await connect(url, b.accessToken);
    okData(await request(aSocket, 'joinRoom', { roomId: room.id }));
    okData(await request(bSocket, 'joinRoom', { roomId: room.id }));
    okData(await request(bSocket, 'leaveRoom', { roomId: room.id }));
    okData(await request(bSocket, 'joinRoom', { roomId: room.id })); // a second stay for B
    okData(await request(bSocket, 'leaveRoom', { roomId: room.id }));
    okData(await request(aSocket, 'leaveRoom', { roomId: room.id }));
    // A second call, ended by a disconnect after the grace period.
    okData(await request(aSocket, 'joinRoom', { roomId: room.id }));
    aSocket.close();

    await createAdmin(target.db.url, 'Chat_Admin', 'admin password');
    const admin = await http<{ accessToken: string }>(url, 'POST', '/auth/login', {
      body: { username: 'chat_admin', password: 'admin password' },
    });
    expect(admin.status).toBe(200);
    expect((await http(url, 'GET', '/admin/calls', { token: a.accessToken })).status).toBe(403);
    expect((await http(url, 'GET', '/admin/calls')).status).toBe(401);

    const callsOf = async () => {
      const res = await http<CallSessionsResponse>(url, 'GET', '/admin/calls', {
        token: admin.body.accessToken,
      });
      expect(res.status).toBe(200);
      return res.body.calls.filter((c) => c.roomId === room.id).sort((x, y) => x.id - y.id);
    };
    let calls = await callsOf();
    const deadline = Date.now() + 3000;
    while (calls.some((c) => c.endedAt === null) && Date.now() < deadline) {
      await sleep(100);
      calls = await callsOf();
    }
    expect(calls).toHaveLength(2);
    const [first, second] = calls as [(typeof calls)[0], (typeof calls)[0]];
    expect(first).toMatchObject({ roomName: 'call room', peakParticipants: 2 });
    expect(first.endedAt).not.toBeNull();
    expect(first.durationMs).toBeGreaterThanOrEqual(0);
    expect(first.participants.map((p) => p.userId)).toEqual([a.user.id, b.user.id, b.user.id]);
    expect(first.participants.every((p) => p.leftAt !== null && p.leftAt >= p.joinedAt)).toBe(true);
    expect(second).toMatchObject({ peakParticipants: 1 });
    expect(second.endedAt).not.toBeNull();
    expect(second.participants.map((p) => p.userId)).toEqual([a.user.id]);

    const from = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const none = await http<CallSessionsResponse>(url, 'GET', `/admin/calls?from=${from}`, {
      token: admin.body.accessToken,
    });
    expect(none.body.calls).toEqual([]);
    const badDate = await http<ApiErrorBody>(url, 'GET', '/admin/calls?from=yesterday', {
      token: admin.body.accessToken,
    });
    expect(badDate).toMatchObject({ status: 400, body: { error: { code: ErrorCode.VALIDATION } } });
  });

  it('registration is case-insensitively unique; login and /me work', async () => {
    const name = `Case_${Date.now() % 100000}`;
    const first = await http(url, 'POST', '/auth/register', {
      body: { username: name, password: 'password123' },
    });
    expect(first).toMatchObject({ status: 201, body: { user: { username: name, role: 'user' } } });
    const dup = await http<ApiErrorBody>(url, 'POST', '/auth/register', {
      body: { username: name.toUpperCase(), password: 'password123' },
    });
    expect(dup).toMatchObject({ status: 409, body: { error: { code: ErrorCode.CONFLICT } } });
    const login = await http<{ accessToken: string }>(url, 'POST', '/auth/login', {
      body: { username: name.toLowerCase(), password: 'password123' },
    });
    expect(login.status).toBe(200);
    const me = await http(url, 'GET', '/auth/me', { token: login.body.accessToken });
    expect(me).toMatchObject({ status: 200, body: { username: name, role: 'user' } });
    const docs = await fetch(`${url}/api/docs-json`);
    expect(docs.status).toBe(200);
    const spec = (await docs.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/register',
        '/api/rooms',
        '/api/rooms/{id}/messages',
        '/api/messages/search',
      ]),
    );
  });
});

describe('auth rate limit', () => {
  let target: ChatTarget;
  beforeAll(async () => {
    target = await startChatTarget('sqlite', { AUTH_RATE_LIMIT: '5' });
  });
  afterAll(async () => target?.stop());

  it('answers 429 RATE_LIMITED past the per-minute limit on auth routes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await http<ApiErrorBody>(target.url, 'POST', '/auth/login', {
        body: { username: 'nobody_x', password: 'password123' },
      });
      statuses.push(res.status);
      if (res.status === 429) expect(res.body.error.code).toBe(ErrorCode.RATE_LIMITED);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});
