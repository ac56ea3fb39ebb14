/**
 * Issue 20 item 6 on the real server: who may frame the embed page. /embed/* gets CSP
 * frame-ancestors with EMBED_ALLOWED_ORIGINS (and no X-Frame-Options); every other path, and
 * /embed/* without allowed origins, keeps frame-ancestors 'none' + X-Frame-Options DENY. The page
 * learns the same list from GET /api/embed/config; a bad list stops the server at startup.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runServerToExit, startServer, type ServerProcess } from '@minimeet/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LMS = 'https://lms.example.com';
const LOCAL_PARENT = 'http://127.0.0.1:8123';

/** Paths that are not the embed page (the SPA, static files, the API, look-alikes). */
const OTHER_PATHS: Array<[string, number]> = [
  ['/', 200],
  ['/rooms/7', 200],
  ['/join?token=abc', 200],
  ['/embedded/rooms/7', 200],
  ['/rooms/7?next=/embed/rooms/7', 200],
  ['/assets/app.js', 200],
  ['/api/rooms', 401],
  ['/api/embed/config', 200],
];
const EMBED_PATHS = ['/embed/rooms/7', '/embed/rooms/7?token=abc&mic=off', '/embed/minimeet-embed.js', '/embed'];

function expectClosed(res: Response, what: string): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp.match(/frame-ancestors/g), what).toHaveLength(1);
  expect(csp, what).toContain("script-src 'self'");
  expect(res.headers.get('x-frame-options'), what).toBe('DENY');
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
}

describe('embedding: framing headers and the embed config', () => {
  let clientDir: string;
  let open: ServerProcess;
  let closed: ServerProcess;

  beforeAll(async () => {
    clientDir = mkdtempSync(path.join(os.tmpdir(), 'minimeet-embed-client-'));
    writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>shell</title>');
    mkdirSync(path.join(clientDir, 'embed'));
    writeFileSync(path.join(clientDir, 'embed', 'minimeet-embed.js'), 'window.MiniMeet = {};');
    mkdirSync(path.join(clientDir, 'assets'));
    writeFileSync(path.join(clientDir, 'assets', 'app.js'), 'void 0;');
    const env = { CLIENT_DIST_DIR: clientDir, MEDIASOUP_WORKERS: '1', LOG_LEVEL: 'warn' };
    [open, closed] = await Promise.all([
      startServer({ env: { ...env, EMBED_ALLOWED_ORIGINS: ` ${LMS}, ${LOCAL_PARENT} ` } }),
      startServer({ env }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), closed?.stop()]);
    rmSync(clientDir, { recursive: true, force: true });
  });

  it('with allowed origins: /embed/* may be framed by exactly those origins, without X-Frame-Options', async () => {
    for (const pathname of EMBED_PATHS) {
      const res = await open.request(pathname);
      expect(res.status, pathname).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, pathname).toMatch(new RegExp(`(^|; )frame-ancestors ${LMS} ${LOCAL_PARENT}($|;)`));
      expect(csp, pathname).not.toContain("frame-ancestors 'none'");
      expect(csp, pathname).toContain("default-src 'self'");
      expect(csp, pathname).toContain("script-src 'self'");
      expect(res.headers.has('x-frame-options'), pathname).toBe(false);
      expect(res.headers.get('x-content-type-options'), pathname).toBe('nosniff');
      expect(res.headers.get('permissions-policy'), pathname).toContain('camera=(self)');
    }
    // The page itself is the SPA; the helper script is JavaScript.
    expect(await (await open.request('/embed/rooms/7')).text()).toContain('<title>shell</title>');
    expect((await open.request('/embed/minimeet-embed.js')).headers.get('content-type')).toMatch(/javascript/);
  });

  it('with allowed origins: every other path still refuses all framing', async () => {
    for (const [pathname, status] of OTHER_PATHS) {
      const res = await open.request(pathname);
      expect(res.status, pathname).toBe(status);
      expectClosed(res, pathname);
    }
  });

  it('without allowed origins: /embed/* is as closed as everything else', async () => {
    for (const pathname of [...EMBED_PATHS, ...OTHER_PATHS.map(([p]) => p)]) expectClosed(await closed.request(pathname), pathname);
  });

  it('GET /api/embed/config tells the page the allowed origins, without a token', async () => {
    expect(await (await open.request('/api/embed/config')).json()).toEqual({ allowedOrigins: [LMS, LOCAL_PARENT] });
    expect(await (await closed.request('/api/embed/config')).json()).toEqual({ allowedOrigins: [] });
  });

  it('refuses to start with an origin that is not exact, naming the variable', async () => {
    for (const value of ['*', 'https://lms.example.com/course', "https://a.example.com; script-src 'unsafe-inline'"]) {
      const res = await runServerToExit({ EMBED_ALLOWED_ORIGINS: value });
      expect(res.code, value).toBe(1);
      expect(res.stderr, value).toMatch(/invalid configuration: EMBED_ALLOWED_ORIGINS: .* is not an exact origin/);
    }
  });
});
