import type { AuthResponse, UserDto } from '@minimeet/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handleSessionEnded, wireSession } from '../../app/SessionBridge';
import { api } from '../../lib/http';
import { connectSocket, disconnectSocket, setSocketFactory } from '../../lib/socket';
import { installFakeSockets, ok } from '../../test/fakeSocket';
import { fakeJwt } from '../../test/fetchMock';
import { refreshSession, SESSION_EXPIRED, SESSION_REVOKED, useAuthStore } from './authStore';
import { loadSession, sessionFrom } from './session';

const alice: UserDto = { id: 1, username: 'alice', role: 'user' };

function pair(n: number, ttlSeconds = 900): AuthResponse {
  const now = Date.now();
  return {
    accessToken: fakeJwt(Math.floor(now / 1000) + ttlSeconds, alice.id).replace('.sig', `.sig${n}`),
    accessTokenExpiresAt: new Date(now + ttlSeconds * 1000).toISOString(),
    refreshToken: `refresh-${n}`,
    refreshTokenExpiresAt: new Date(now + 30 * 86_400_000).toISOString(),
    user: alice,
  };
}

interface Call {
  method: string;
  path: string;
  auth: string | null;
  body: unknown;
}

/**
 * A scripted API: `/rooms` accepts only the token in `valid.access`; `/auth/refresh` trades the
 * refresh token in `valid.refresh` for the next pair (once), else 401.
 */
function fakeApi(first: AuthResponse) {
  const calls: Call[] = [];
  const valid = { access: first.accessToken, refresh: first.refreshToken as string | null };
  let issued = 1;
  const unauthorized = () =>
    new Response(JSON.stringify({ statusCode: 401, error: { code: 'UNAUTHORIZED', message: 'no' } }), {
      status: 401,
    });
  const spy = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const path = url.pathname.replace(/^\/api/, '');
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const body = init?.body ? (JSON.parse(String(init.body)) as unknown) : undefined;
    const call: Call = { method: init?.method ?? 'GET', path, auth: headers.Authorization ?? null, body };
    calls.push(call);
    if (path === '/auth/refresh') {
      const presented = (body as { refreshToken: string }).refreshToken;
      if (presented !== valid.refresh) return unauthorized();
      issued += 1;
      const next = pair(issued);
      valid.access = next.accessToken;
      valid.refresh = next.refreshToken;
      return new Response(JSON.stringify(next), { status: 200 });
    }
    if (path === '/auth/login') return new Response(JSON.stringify(first), { status: 200 });
    if (path === '/rooms') {
      return call.auth === `Bearer ${valid.access}` ? new Response('[]', { status: 200 }) : unauthorized();
    }
    return new Response('{}', { status: 404 });
  });
  vi.stubGlobal('fetch', spy);
  return { calls, valid, refreshCalls: () => calls.filter((c) => c.path === '/auth/refresh') };
}

function signInWith(res: AuthResponse): void {
  useAuthStore.setState({ session: sessionFrom(res), notice: null });
}

beforeEach(() => wireSession());
afterEach(() => {
  useAuthStore.getState().logout();
  useAuthStore.setState({ notice: null });
  disconnectSocket();
  setSocketFactory(null);
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('silent session refresh', () => {
  it('a 401 is answered by one refresh and one retry with the new token', async () => {
    const first = pair(1);
    signInWith(first);
    const server = fakeApi(first);
    server.valid.access = 'something newer'; // the server no longer takes the first access token

    await expect(api('/rooms')).resolves.toEqual([]);
    expect(server.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /rooms',
      'POST /auth/refresh',
      'GET /rooms',
    ]);
    expect(server.calls[1]!.body).toEqual({ refreshToken: 'refresh-1' });
    const session = useAuthStore.getState().session!;
    expect(server.calls[2]!.auth).toBe(`Bearer ${session.accessToken}`);
    expect(session.refreshToken).toBe('refresh-2');
    // The new pair is what a reload restores.
    expect(loadSession()).toMatchObject({ accessToken: session.accessToken, refreshToken: 'refresh-2' });
  });

  it('requests failing together share one refresh (a second would replay the spent token)', async () => {
    const first = pair(1);
    signInWith(first);
    const server = fakeApi(first);
    server.valid.access = 'something newer';
    await expect(Promise.all([api('/rooms'), api('/rooms'), api('/rooms')])).resolves.toEqual([[], [], []]);
    expect(server.refreshCalls()).toHaveLength(1);
  });

  it('a refused refresh signs out with a notice; the request fails as unauthorized', async () => {
    const first = pair(1);
    signInWith(first);
    const server = fakeApi(first);
    server.valid.access = 'something newer';
    server.valid.refresh = null; // revoked

    await expect(api('/rooms')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(server.refreshCalls()).toHaveLength(1);
    expect(useAuthStore.getState()).toMatchObject({ session: null, notice: SESSION_EXPIRED });
  });

  it('a 401 that survives the retry signs out instead of looping', async () => {
    const first = pair(1);
    signInWith(first);
    const server = fakeApi(first);
    server.valid.access = 'never anything we hold';
    // Refresh works but the new token is refused too (e.g. the account was just removed).
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await realFetch(input, init);
      server.valid.access = 'never anything we hold';
      return res;
    });
    await expect(api('/rooms')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(server.refreshCalls()).toHaveLength(1);
    expect(useAuthStore.getState()).toMatchObject({ session: null, notice: SESSION_EXPIRED });
  });

  it('refreshes on its own shortly before the access token expires, and keeps doing so', async () => {
    vi.useFakeTimers();
    const server = fakeApi(pair(1));
    await useAuthStore.getState().login('alice', 'password123');
    const expiresAt = useAuthStore.getState().session!.expiresAt!;

    // Nothing happens early…
    await vi.advanceTimersByTimeAsync(expiresAt - Date.now() - 121_000);
    expect(server.refreshCalls()).toHaveLength(0);
    // …the refresh comes two minutes before expiry, without any request failing first…
    await vi.advanceTimersByTimeAsync(2_000);
    expect(server.refreshCalls()).toHaveLength(1);
    expect(useAuthStore.getState().session!.refreshToken).toBe('refresh-2');
    // …and the next one two minutes before the new token's expiry.
    const next = useAuthStore.getState().session!.expiresAt!;
    expect(next).toBeGreaterThan(expiresAt);
    await vi.advanceTimersByTimeAsync(next - Date.now() - 119_000);
    expect(server.refreshCalls()).toHaveLength(2);
    expect(server.refreshCalls()[1]!.body).toEqual({ refreshToken: 'refresh-2' });
    expect(useAuthStore.getState().session).not.toBeNull();
  });

  it('a network failure keeps the session and retries the refresh shortly', async () => {
    vi.useFakeTimers();
    const first = pair(1);
    signInWith(first);
    let down = true;
    const server = fakeApi(first);
    const scripted = globalThis.fetch;
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) =>
      down ? Promise.reject(new TypeError('Failed to fetch')) : scripted(input, init),
    );
    expect(await refreshSession()).toBe(false);
    expect(useAuthStore.getState().session?.refreshToken).toBe('refresh-1');
    down = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.refreshCalls()).toHaveLength(1);
    expect(useAuthStore.getState().session?.refreshToken).toBe('refresh-2');
  });
});

describe('the live socket across refreshes', () => {
  it('a refreshed token of the same user renews the socket in place (auth:renew), no reconnect', async () => {
    const sockets = installFakeSockets((s) =>
      s.handle('auth:renew', () => ok({ accessTokenExpiresAt: 'later' })),
    );
    connectSocket('token-1', alice.id);
    await Promise.resolve();
    const socket = sockets.current;
    expect(socket.connected).toBe(true);
    connectSocket('token-2', alice.id);
    expect(sockets.current).toBe(socket);
    expect(socket.sent('auth:renew')).toEqual([{ accessToken: 'token-2' }]);
    // Another user's token is a new connection.
    connectSocket('token-b', 2);
    expect(sockets.current).not.toBe(socket);
  });

  it('a token refreshed while the handshake is in flight is handed over as soon as it connects', () => {
    const sockets = installFakeSockets((s) => {
      s.autoConnect = false;
      s.handle('auth:renew', () => ok({ accessTokenExpiresAt: 'later' }));
    });
    connectSocket('token-1', alice.id);
    connectSocket('token-2', alice.id);
    expect(sockets.current.sent('auth:renew')).toEqual([]);
    sockets.current.simulateConnect();
    expect(sockets.current.sent('auth:renew')).toEqual([{ accessToken: 'token-2' }]);
  });

  it('sessionEnded "revoked" signs out with a notice; "expired" refreshes instead', async () => {
    const first = pair(1);
    signInWith(first);
    const server = fakeApi(first);
    handleSessionEnded('expired');
    await vi.waitFor(() => expect(useAuthStore.getState().session?.refreshToken).toBe('refresh-2'));
    expect(server.refreshCalls()).toHaveLength(1);

    handleSessionEnded('revoked');
    expect(useAuthStore.getState()).toMatchObject({ session: null, notice: SESSION_REVOKED });
  });
});
