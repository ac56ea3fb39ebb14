/**
 * Issue 11 item 6 on the real server: security headers everywhere, the REST throttle (per client
 * IP, the real one only behind TRUST_PROXY), health details for admins / the metrics token only,
 * and logs that never carry secrets, query strings or SQL parameters (SQLite and MariaDB).
 */
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, type ApiErrorBody, type AuthResponse } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  DB_KINDS,
  runAdminCli,
  startServer,
  waitFor,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';
import { registerUser, uniqueName } from '../helpers/chat-client.js';

const METRICS_TOKEN = 'hardening-test-metrics-token';

/** GET/POST with optional X-Forwarded-For and bearer token; answers status, headers, JSON body. */
async function call(
  server: ServerProcess,
  pathname: string,
  opts: { forwardedFor?: string; token?: string; body?: unknown } = {},
) {
  const headers: Record<string, string> = {};
  if (opts.forwardedFor) headers['x-forwarded-for'] = opts.forwardedFor;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await server.request(pathname, {
    method: opts.body === undefined ? 'GET' : 'POST',
    headers,
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML or empty
  }
  return { status: res.status, headers: res.headers, body };
}

const login = (server: ServerProcess, forwardedFor?: string) =>
  call(server, '/api/auth/login', {
    ...(forwardedFor ? { forwardedFor } : {}),
    body: { username: 'nobody_at_all', password: 'wrong password' },
  });

describe('HTTP hardening (direct clients, TRUST_PROXY unset)', () => {
  let server: ServerProcess;
  let clientDir: string;
  let admin: AuthResponse;
  let user: AuthResponse;
  let dbDir: string;

  beforeAll(async () => {
    clientDir = mkdtempSync(path.join(os.tmpdir(), 'minimeet-client-'));
    writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>shell</title>');
    dbDir = mkdtempSync(path.join(os.tmpdir(), 'minimeet-hardening-db-'));
    const databaseUrl = `sqlite:${path.join(dbDir, 'hardening.sqlite')}`;
    server = await startServer({
      env: {
        CLIENT_DIST_DIR: clientDir,
        MEDIASOUP_WORKERS: '1',
        REST_RATE_LIMIT: '40',
        AUTH_RATE_LIMIT: '5',
        METRICS_TOKEN,
        DATABASE_URL: databaseUrl,
      },
    });
    // Registered, then promoted with the admin CLI (roles are read per request): the login
    // bucket stays full for the auth-throttle test below.
    admin = await registerUser(server.url, 'hadmin');
    const promoted = await runAdminCli(['promote', admin.user.username], { databaseUrl });
    expect(promoted.code, promoted.stderr).toBe(0);
    expect((await call(server, '/api/auth/me', { token: admin.accessToken })).body).toMatchObject({
      role: 'admin',
    });
    user = await registerUser(server.url, 'hplain');
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(clientDir, { recursive: true, force: true });
    rmSync(dbDir, { recursive: true, force: true });
  });

  it('every response carries the security headers and no X-Powered-By', async () => {
    for (const [pathname, status] of [
      ['/', 200],
      ['/rooms/7', 200],
      ['/api/rooms', 401],
      ['/api/no/such/route', 404],
      ['/api/health', 200],
    ] as const) {
      const res = await call(server, pathname);
      expect(res.status, pathname).toBe(status);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, pathname).toContain("frame-ancestors 'none'");
      expect(csp, pathname).toContain("script-src 'self'");
      expect(csp, pathname).toContain("default-src 'self'");
      expect(res.headers.get('x-frame-options'), pathname).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), pathname).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), pathname).toBe('no-referrer');
      expect(res.headers.has('x-powered-by'), pathname).toBe(false);
    }
  });

  it('/api/health: status only for anonymous and plain users; db and workers for an admin or the metrics token', async () => {
    for (const token of [undefined, user.accessToken, 'not-a-token']) {
      const res = await call(server, '/api/health', token ? { token } : {});
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    }
    for (const token of [admin.accessToken, METRICS_TOKEN]) {
      const res = await call(server, '/api/health', { token });
      expect(res.body).toMatchObject({
        status: 'ok',
        db: 'ok',
        workers: [{ pid: expect.any(Number), alive: true, cpuMs: expect.any(Number) }],
      });
    }
  });

  it('without TRUST_PROXY a client-sent X-Forwarded-For picks no bucket: auth throttle', async () => {
    // AUTH_RATE_LIMIT=5 logins per minute from 127.0.0.1, each claiming another address.
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push((await login(server, `198.51.100.${i + 1}`)).status);
    expect(answers).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });

  it('a REST flood gets 429 RATE_LIMITED with Retry-After, whatever X-Forwarded-For says; health stays answerable', async () => {
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const res = await call(server, '/api/rooms', { forwardedFor: `203.0.113.${i + 1}` });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(limited, `statuses ${statuses.join(',')}`).toBeDefined();
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(40);
    const body = limited!.body as ApiErrorBody;
    expect(body).toMatchObject({ statusCode: 429, error: { code: ErrorCode.RATE_LIMITED } });
    expect(body.error.details!.retryAfterMs).toBeGreaterThan(0);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited!.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await call(server, '/api/health')).status).toBe(200);
    expect((await call(server, '/')).status).toBe(200); // static files are not throttled
  });
});

describe('HTTP hardening behind a proxy (TRUST_PROXY=1)', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      env: { MEDIASOUP_WORKERS: '1', TRUST_PROXY: '1', REST_RATE_LIMIT: '10', AUTH_RATE_LIMIT: '3' },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('two X-Forwarded-For clients get separate REST buckets', async () => {
    const first: number[] = [];
    for (let i = 0; i < 12; i++)
      first.push((await call(server, '/api/rooms', { forwardedFor: '203.0.113.1' })).status);
    expect(first.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(first.slice(10)).toEqual([429, 429]);
    expect((await call(server, '/api/rooms', { forwardedFor: '203.0.113.2' })).status).toBe(401);
    // The proxy's own address (no header) is one more client, not everyone.
    expect((await call(server, '/api/rooms')).status).toBe(401);
  });

  it('two X-Forwarded-For clients get separate auth buckets', async () => {
    const first: number[] = [];
    for (let i = 0; i < 4; i++) first.push((await login(server, '198.51.100.7')).status);
    expect(first).toEqual([401, 401, 401, 429]);
    expect((await login(server, '198.51.100.8')).status).toBe(401);
  });
});

/** Makes every INSERT into users fail inside the database (the failing statement carries parameters). */
async function breakUserInserts(db: TestDatabase): Promise<void> {
  if (db.kind === 'sqlite') {
    const conn = new Database(db.url.slice('sqlite:'.length));
    try {
      conn.exec(
        "CREATE TRIGGER refuse_users BEFORE INSERT ON users BEGIN SELECT RAISE(ABORT, 'inserts refused'); END",
      );
    } finally {
      conn.close();
    }
    return;
  }
  const conn = await mysql.createConnection(db.url);
  try {
    await conn.query(
      "CREATE TRIGGER refuse_users BEFORE INSERT ON users FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'inserts refused'",
    );
  } finally {
    await conn.end();
  }
}

describe.each(DB_KINDS)('log redaction (%s)', (kind) => {
  let db: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    server = await startServer({
      env: { DATABASE_URL: db.url, MEDIASOUP_WORKERS: '1', LOG_LEVEL: 'debug', AUTH_RATE_LIMIT: '1000' },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('no password, token, query string or SQL parameter reaches the log, also when the database fails', async () => {
    const secretPassword = 'Sup3r-Secret-Passw0rd';
    const queryToken = 'QueryStringSecret123';
    const failed = await call(server, `/api/auth/login?token=${queryToken}&password=${secretPassword}`, {
      token: 'BearerSecretToken456',
      body: { username: 'someone_real', password: secretPassword },
    });
    expect(failed.status).toBe(401);

    await breakUserInserts(db);
    const victim = uniqueName('leaky');
    const broken = await call(server, `/api/auth/register?invite=${queryToken}`, {
      body: { username: victim, password: secretPassword },
    });
    expect(broken.status).toBe(500);
    expect(broken.body).toEqual({
      statusCode: 500,
      error: { code: ErrorCode.INTERNAL, message: 'Internal server error' },
    });

    const errorLine = await waitFor(
      () => server.logLines().find((l) => l.msg === 'unhandled error in HTTP request'),
      5000,
    );
    expect(errorLine.err).toMatchObject({ type: 'QueryFailedError' });
    await waitFor(() => server.logLines().find((l) => l.route === '/api/auth/register'), 5000);
    const loginLine = server.logLines().find((l) => l.route === '/api/auth/login');
    expect(loginLine).toMatchObject({ path: '/api/auth/login', status: 401 });

    const out = server.output();
    for (const secret of [
      secretPassword,
      queryToken,
      'BearerSecretToken456',
      victim,
      '$2b$',
      'INSERT INTO',
    ]) {
      expect(out, secret).not.toContain(secret);
    }
  });
});
