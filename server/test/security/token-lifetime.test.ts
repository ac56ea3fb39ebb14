// Short access tokens: a socket lives only as long as its token unless the client hands it a
// fresh one (auth:renew); refresh tokens rotate, work once, and are not access tokens.
import { ErrorCode, type ApiErrorBody, type AuthResponse, type UserDto } from '@minimeet/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllSockets,
  connect,
  http,
  registerUser,
  request,
  sleep,
  waitFor,
} from '../helpers/chat-client.js';
import { startChatTarget, type ChatTarget } from '../helpers/chat-server.js';
import { DB_KINDS } from '@minimeet/test-harness';
import { endedBecause, watchSessionEnd } from '../helpers/session-end.js';

const TTL_SECONDS = 3;

describe.each(DB_KINDS)('token lifetime (%s)', (kind) => {
  let target: ChatTarget;
  let url: string;
  const refresh = (refreshToken: unknown) =>
    http<AuthResponse & ApiErrorBody>(url, 'POST', '/auth/refresh', { body: { refreshToken } });

  beforeAll(async () => {
    target = await startChatTarget(kind, { ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS) });
    url = target.url;
  });
  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
  });
  afterEach(() => closeAllSockets());

  it('sign-in answers a token pair with the access token expiry', async () => {
    const a = await registerUser(url, 'pair');
    expect(a.refreshToken).toEqual(expect.any(String));
    const ttl = Date.parse(a.accessTokenExpiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(TTL_SECONDS * 1000);
    expect(Date.parse(a.refreshTokenExpiresAt)).toBeGreaterThan(Date.now() + 86_400_000);
  });

  it('a socket that does not renew is told its session expired and is disconnected', async () => {
    const a = await registerUser(url, 'lapse');
    const socket = await connect(url, a.accessToken);
    const watch = watchSessionEnd(socket);
    await waitFor(() => endedBecause(watch, 'expired'), TTL_SECONDS * 1000 + 4000, 'sessionEnded expired');
    expect(socket.connected).toBe(false);
    // The expired token opens nothing any more.
    expect((await http(url, 'GET', '/auth/me', { token: a.accessToken })).status).toBe(401);
    await expect(connect(url, a.accessToken)).rejects.toThrow('unauthorized');
  });

  it('a socket that renews with a refreshed token stays connected past the first expiry', async () => {
    const a = await registerUser(url, 'renewer');
    const socket = await connect(url, a.accessToken);
    const watch = watchSessionEnd(socket);
    await sleep(1500);
    const next = await refresh(a.refreshToken);
    expect(next.status).toBe(200);
    const renewed = await request(socket, 'auth:renew', { accessToken: next.body.accessToken });
    expect(renewed).toEqual({ ok: true, data: { accessTokenExpiresAt: next.body.accessTokenExpiresAt } });
    // Past the first token's expiry (exp has whole seconds: the renewed one ends ≥ 1 s later), still connected.
    expect(Date.parse(next.body.accessTokenExpiresAt)).toBeGreaterThanOrEqual(
      Date.parse(a.accessTokenExpiresAt) + 1000,
    );
    await waitFor(() => Date.now() > Date.parse(a.accessTokenExpiresAt) + 300, 10_000, 'first expiry');
    expect(socket.connected).toBe(true);
    expect(watch.ended).toEqual([]);
    // …until the renewed token runs out in turn.
    await waitFor(() => endedBecause(watch, 'expired'), TTL_SECONDS * 1000 + 4000, 'second expiry');
  });

  it("auth:renew refuses another user's token and garbage, and the socket keeps its own session", async () => {
    const a = await registerUser(url, 'renew_a');
    const b = await registerUser(url, 'renew_b');
    const socket = await connect(url, a.accessToken);
    expect(await request(socket, 'auth:renew', { accessToken: b.accessToken })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
    expect(await request(socket, 'auth:renew', { accessToken: 'not-a-token' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.UNAUTHORIZED },
    });
    expect(await request(socket, 'auth:renew', { accessToken: a.refreshToken })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.UNAUTHORIZED },
    });
    expect(await request(socket, 'auth:renew', {} as never)).toMatchObject({
      ok: false,
      error: { code: ErrorCode.VALIDATION },
    });
    expect(socket.connected).toBe(true);
  });

  it('refresh rotates: the new pair works, the old refresh token is refused, and its reuse revokes the chain', async () => {
    const a = await registerUser(url, 'rotate');
    const first = await refresh(a.refreshToken);
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(a.refreshToken);
    expect(first.body.user).toEqual(a.user);
    const me = await http<UserDto>(url, 'GET', '/auth/me', { token: first.body.accessToken });
    expect(me.body.id).toBe(a.user.id);

    // A stolen copy of the spent token is refused…
    const replay = await refresh(a.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe(ErrorCode.UNAUTHORIZED);
    // …and, since we cannot tell thief from owner, the newer token of that chain dies with it.
    expect((await refresh(first.body.refreshToken)).status).toBe(401);
    // Signing in again starts a fresh chain.
    const login = await http<AuthResponse>(url, 'POST', '/auth/login', {
      body: { username: a.user.username, password: 'correct horse battery' },
    });
    expect((await refresh(login.body.refreshToken)).status).toBe(200);
  });

  it('an access token is not a refresh token, nor the reverse; junk is refused cleanly', async () => {
    const a = await registerUser(url, 'confuse');
    expect((await refresh(a.accessToken)).status).toBe(401);
    expect((await http(url, 'GET', '/auth/me', { token: a.refreshToken })).status).toBe(401);
    await expect(connect(url, a.refreshToken)).rejects.toThrow('unauthorized');
    for (const bad of ['', 42, null, 'x'.repeat(5000)]) {
      const res = await refresh(bad);
      expect([400, 401], JSON.stringify(bad).slice(0, 20)).toContain(res.status);
      expect(res.body.error.code).toMatch(/^(VALIDATION|UNAUTHORIZED)$/);
    }
    // The pair is untouched by the confusion attempts.
    expect((await refresh(a.refreshToken)).status).toBe(200);
  });
});
