/** The server serves the built client at / with a fallback to index.html for client routes. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '@minimeet/test-harness';

describe('serving the built client', () => {
  let dir: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'minimeet-client-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>MiniMeet test shell</title>');
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("app")');
    server = await startServer({ env: { CLIENT_DIST_DIR: dir, MEDIASOUP_WORKERS: '1' } });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers / and client routes with index.html', async () => {
    for (const route of ['/', '/login', '/rooms/42']) {
      const res = await server!.request(route);
      expect(res.status, route).toBe(200);
      expect(await res.text()).toContain('MiniMeet test shell');
    }
  });

  it('serves static assets', async () => {
    const res = await server!.request('/assets/app.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('console.log("app")');
  });

  it('keeps API paths as JSON, never the client shell', async () => {
    const res = await server!.request('/api/no-such-route');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/json/);
    const health = await server!.request('/api/health');
    expect(health.headers.get('content-type')).toMatch(/json/);
  });
});
