import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { ParticipantsDeltaEvent } from '@minimeet/shared';
import { createTestDatabase, startServer, type ServerProcess, type TestDatabase } from '@minimeet/test-harness';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildClient,
  cameraAdvancing,
  CLIENT_DIST,
  createRoom,
  E2E_PASSWORD,
  launchBrowser,
  openUserPage,
  registerUser,
  uniqueUsername,
  type Stack,
  type UserPage,
} from './harness';

/**
 * Issue 18 item 2, the browser's side: a rolling restart behind a load balancer. Two nodes (one
 * MariaDB, one Redis, each serving the client) behind a TCP balancer that, like a real one, sends
 * each new connection to the first node whose /api/health answers 200. Alice's browser comes in
 * through the balancer and lands on node B; Bob (a Node peer) is on node A. B gets SIGTERM: the
 * page is told `serverDraining`, reconnects through the same URL by itself (B now answers 503
 * `draining`, so the balancer picks A), rejoins and gets its media back; Bob never sees Alice
 * leave; B exits on its own well within its grace period.
 */

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const GRACE_MS = 20_000;

interface Balancer {
  url: string;
  /** Which backend each Socket.IO connection went to, in order. */
  socketRoutes: string[];
  close(): Promise<void>;
}

/** A TCP load balancer with a health check (every 200 ms): new connections go to the first healthy backend. */
async function startBalancer(backends: ServerProcess[]): Promise<Balancer> {
  const healthy = new Set<ServerProcess>();
  const check = async () => {
    await Promise.all(
      backends.map(async (b) => {
        const ok = await fetch(`${b.url}/api/health`, { signal: AbortSignal.timeout(1000) }).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) healthy.add(b);
        else healthy.delete(b);
      }),
    );
  };
  await check();
  const timer = setInterval(() => void check(), 200);
  const socketRoutes: string[] = [];
  const server = net.createServer((client) => {
    const target = backends.find((b) => healthy.has(b));
    if (!target) return client.destroy();
    const upstream = net.connect(target.port, '127.0.0.1');
    client.once('data', (first: Buffer) => {
      if (first.toString('latin1', 0, 32).startsWith('GET /socket.io/')) socketRoutes.push(target.url);
    });
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    socketRoutes,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
      }),
  };
}

/** Packets Bob received from `userId` over a second, summed over his open streams of that user. */
async function packetsFrom(bob: MiniMeetPeer, userId: number): Promise<number> {
  const sum = () => bob.openStreams(userId).reduce((n, s) => n + s.packets, 0);
  const before = sum();
  await new Promise((r) => setTimeout(r, 1000));
  return sum() - before;
}

describe('client e2e: the browser moves off a draining node by itself', () => {
  let db: TestDatabase;
  let nodeA: ServerProcess;
  let nodeB: ServerProcess;
  let balancer: Balancer;
  let browser: Browser;
  let bob: MiniMeetPeer | undefined;
  const pages: UserPage[] = [];
  const prefix = `mme2e-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    buildClient();
    db = await createTestDatabase('mariadb');
    const node = (id: string, rtc: number, pipe: number) =>
      startServer({
        env: {
          LOG_LEVEL: 'info',
          JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e',
          AUTH_RATE_LIMIT: '1000',
          MEDIASOUP_WORKERS: '1',
          MEDIASOUP_ANNOUNCED_ADDRESS: '127.0.0.1',
          CLIENT_DIST_DIR: CLIENT_DIST,
          DATABASE_URL: db.url,
          REDIS_URL,
          REDIS_KEY_PREFIX: prefix,
          CLUSTER_NODE_ID: id,
          CLUSTER_NODE_TTL_MS: '3000',
          PRESENCE_GRACE_MS: '10000',
          SHUTDOWN_GRACE_MS: String(GRACE_MS),
          RTC_MIN_PORT: String(rtc),
          RTC_MAX_PORT: String(rtc + 19),
          CLUSTER_PIPE_MIN_PORT: String(pipe),
          CLUSTER_PIPE_MAX_PORT: String(pipe + 19),
        },
      });
    nodeA = await node('e2ea', 42400, 42440);
    nodeB = await node('e2eb', 42420, 42460); // after A: A applied the migrations
    // B first: a new connection lands on B while B is healthy.
    balancer = await startBalancer([nodeB, nodeA]);
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await bob?.close().catch(() => {});
    for (const p of pages) await p.context.close().catch(() => {});
    await browser?.close();
    await balancer?.close();
    // No client left on them: each stops at once, clearing its registry entry and presence.
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await db?.drop();
  }, 60_000);

  it('SIGTERM to the browser’s node: it reconnects through the balancer to the other node, the call goes on, nobody sees it leave', async () => {
    const stack: Stack = {
      baseUrl: balancer.url,
      apiUrl: balancer.url,
      databaseUrl: db.url,
      serverOutput: () => nodeB.output(),
      stop: async () => undefined,
    };
    const [alice, owner] = await Promise.all([registerUser(stack), registerUser(stack)]);
    const room = await createRoom(stack, owner!.accessToken, 'E2E drain', 8);
    bob = new MiniMeetPeer({ url: nodeA.url, roomId: room.id, username: uniqueUsername('bob'), password: E2E_PASSWORD });
    await bob.start();
    const seen: ParticipantsDeltaEvent[] = [];
    bob.socket.on('participantsDelta', (delta) => seen.push(delta));
    const a = await openUserPage(browser, stack, alice!, { path: `/rooms/${room.id}` });
    pages.push(a);
    const aliceName = alice!.user.username;
    const bobName = bob.user.username;

    await expect.poll(() => cameraAdvancing(a.page, bobName), { timeout: 45_000 }).toBe(true);
    await expect.poll(() => packetsFrom(bob!, alice!.user.id), { timeout: 45_000 }).toBeGreaterThan(20);
    expect(balancer.socketRoutes.at(-1)).toBe(nodeB.url);
    const routesBefore = balancer.socketRoutes.length;
    await expect
      .poll(() => seen.some((d) => d.joined.some((p) => p.username === aliceName)), { timeout: 10_000 })
      .toBe(true);
    const seenBefore = seen.length;

    const sentAt = Date.now();
    process.kill(nodeB.pid, 'SIGTERM');

    // The page moves by itself: a new socket through the balancer, now to A.
    await expect.poll(() => balancer.socketRoutes.slice(routesBefore).includes(nodeA.url), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => cameraAdvancing(a.page, bobName), { timeout: 45_000 }).toBe(true);
    await expect.poll(() => packetsFrom(bob!, alice!.user.id), { timeout: 45_000 }).toBeGreaterThan(20);

    // Bounded, and saying what the node was doing when it did not exit in time.
    const exit = await Promise.race([nodeB.exited, new Promise<undefined>((r) => setTimeout(r, GRACE_MS + 10_000))]);
    if (!exit) throw new Error(`node B did not exit within its grace period; its log ends:\n${nodeB.output().slice(-4000)}`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - sentAt, `node B's log ends:\n${nodeB.output().slice(-4000)}`).toBeLessThan(GRACE_MS);
    expect(nodeB.output()).toContain('drained: every socket has gone');
    await a.page.getByTestId('reconnecting-banner').waitFor({ state: 'detached', timeout: 20_000 });

    // Bob never saw Alice leave, past the presence grace period too.
    await new Promise((r) => setTimeout(r, 13_000));
    for (const delta of seen.slice(seenBefore)) expect(delta.left).not.toContain(alice!.user.id);
    expect(await packetsFrom(bob, alice!.user.id)).toBeGreaterThan(20);
    expect(await cameraAdvancing(a.page, bobName)).toBe(true);
  }, 180_000);
});
