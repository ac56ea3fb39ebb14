/**
 * Issue 18 (soak): GET /api/admin/process on the real built server — who may read it, and that
 * its counts follow what really exists: two Node WebRTC peers in a call show up as sockets,
 * transports, producers and consumers in the worker's own dump, and everything they held is gone
 * from the worker once they leave. (No database behaviour involved: SQLite only.)
 */
import type { AdminProcessReport, AuthResponse } from '@minimeet/shared';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, http, registerUser, uniqueName } from './helpers/chat-client.js';
import { expectAdminOnlyGet, loginNewAdmin } from './helpers/media-test-server.js';
import { startServer, waitFor, type MinimeetServer } from '@minimeet/test-harness';

const PASSWORD = 'correct horse battery';

describe('GET /api/admin/process', () => {
  let server: MinimeetServer;
  let admin: AuthResponse;
  let user: AuthResponse;
  const peers: MiniMeetPeer[] = [];

  const report = async () => {
    const res = await http<AdminProcessReport>(server.url, 'GET', '/admin/process', {
      token: admin.accessToken,
    });
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    server = await startServer({
      env: { MEDIASOUP_WORKERS: '1', AUTH_RATE_LIMIT: '1000', PRESENCE_GRACE_MS: '500' },
    });
    const login = await loginNewAdmin(server.url, server.databaseUrl, PASSWORD);
    expect(login.status).toBe(200);
    admin = login.body;
    user = await registerUser(server.url, 'plain');
  });

  afterAll(async () => {
    for (const p of peers) await p.close();
    await server?.stop();
  });

  it('401 without a token, 403 for a user; for an admin: memory, resources by type, sockets, an idle worker', async () => {
    await expectAdminOnlyGet(server.url, '/admin/process', user.accessToken);

    const r = await report();
    expect(Date.parse(r.takenAt)).toBeGreaterThan(Date.now() - 30_000);
    expect(r.server.pid).toBe(server.pid);
    expect(r.server.rssBytes).toBeGreaterThan(10_000_000);
    expect(r.server.heapUsedBytes).toBeGreaterThan(0);
    expect(r.server.heapUsedBytes).toBeLessThanOrEqual(r.server.heapTotalBytes);
    // The listening HTTP socket at least.
    expect(r.server.activeResources.TCPServerWrap).toBeGreaterThanOrEqual(1);
    expect(r.server.sockets).toBe(0);
    expect(r.workers).toHaveLength(1);
    expect(r.workers[0]).toMatchObject({
      alive: true,
      objects: { routers: 0, webRtcServers: 1, transports: 0, producers: 0, consumers: 0 },
    });
  });

  it("two peers in a call are in the worker's dump (2 transports, 2 producers, 2 consumers each) and leave nothing behind", async () => {
    const roomId = (await createRoom(server.url, user.accessToken, 'process report', 8)).id;
    for (let i = 0; i < 2; i++) {
      const peer = new MiniMeetPeer({
        url: server.url,
        roomId,
        username: uniqueName('peer'),
        password: PASSWORD,
      });
      peers.push(peer);
      await peer.start();
    }
    const during = await waitFor(
      async () => {
        const r = await report();
        return r.workers[0]?.objects?.consumers === 4 ? r : undefined;
      },
      20_000,
      250,
    );
    expect(during.server.sockets).toBe(2);
    expect(during.workers[0]!.objects).toMatchObject({
      routers: 1,
      transports: 4,
      producers: 4,
      consumers: 4,
    });
    const busyHandlers = during.workers[0]!.objects!.channelRequestHandlers;

    for (const p of peers.splice(0)) await p.close();
    const after = await waitFor(
      async () => {
        const r = await report();
        const o = r.workers[0]?.objects;
        return r.server.sockets === 0 && o && o.transports === 0 && o.producers === 0 && o.consumers === 0
          ? r
          : undefined;
      },
      20_000,
      250,
    );
    // Fewer handlers in the worker than while the call ran: the transports' and consumers' went with them.
    expect(after.workers[0]!.objects!.channelRequestHandlers).toBeLessThan(busyHandlers);
  });
});
