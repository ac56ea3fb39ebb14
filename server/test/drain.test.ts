/**
 * Issue 18 item 2 on one node (no cluster): SIGTERM drains. The node refuses new joins and new
 * sockets with a clear, retryable UNAVAILABLE, tells every socket `serverDraining` (no other node
 * to name), and exits 0 once its sockets have gone — or after SHUTDOWN_GRACE_MS when they stay.
 * The cross-node move itself is server/test/cluster/rolling-restart.test.ts.
 */
import {
  ErrorCode,
  type ConnectionRefusedData,
  type ServerDrainingEvent,
} from '@minimeet/shared';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { DB_KINDS, type DbKind } from '@minimeet/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAllSockets,
  connect,
  createRoom,
  okData,
  record,
  registerUser,
  request,
  waitFor,
  type ClientSocket,
} from './helpers/chat-client.js';
import { startChatTarget, type ChatTarget } from './helpers/chat-server.js';

let target: ChatTarget | undefined;

afterEach(async () => {
  closeAllSockets();
  await target?.stop();
  target = undefined;
});

/** SIGTERM now; resolves with the exit and how long after the signal it came. */
function terminate(t: ChatTarget, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: string | null; ms: number }> {
  const sentAt = Date.now();
  process.kill(t.server.pid, signal);
  return t.server.exited.then((r) => ({ ...r, ms: Date.now() - sentAt }));
}

interface HealthPoller {
  /** Each answer's status and its Connection header. */
  answers: { status: number; connection: string | undefined }[];
  stop(): Promise<void>;
}

/**
 * A load balancer's health checks: a few loops asking /api/health back to back, each over one
 * kept-alive connection, so a request is almost always under way when the node closes.
 */
function pollHealthKeptAlive(url: string, loops = 4): HealthPoller {
  const answers: HealthPoller['answers'] = [];
  let stopped = false;
  const loop = async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (!stopped) {
      const answer = await new Promise<HealthPoller['answers'][number] | undefined>((resolve) => {
        const req = http.get(`${url}/api/health`, { agent, timeout: 2000 }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
        });
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolve(undefined));
      });
      if (answer) answers.push(answer);
      else await new Promise((r) => setTimeout(r, 20)); // refused: the node has stopped listening
    }
    agent.destroy();
  };
  const running = Array.from({ length: loops }, loop);
  return {
    answers,
    stop: async () => {
      stopped = true;
      await Promise.all(running);
    },
  };
}

async function joinedSocket(url: string, roomId?: number): Promise<{ socket: ClientSocket; roomId: number }> {
  const user = await registerUser(url, 'drain');
  const id = roomId ?? (await createRoom(url, user.accessToken, 'drain room')).id;
  const socket = await connect(url, user.accessToken);
  okData(await request(socket, 'joinRoom', { roomId: id }));
  return { socket, roomId: id };
}

describe.each(DB_KINDS)('drain on SIGTERM, one node (%s)', (kind: DbKind) => {
  it('refuses new joins and new sockets as UNAVAILABLE, tells every socket, exits after the grace when they stay', async () => {
    const graceMs = 4000;
    target = await startChatTarget(kind, { SHUTDOWN_GRACE_MS: String(graceMs) });
    const { url } = target;
    const { socket: inRoom, roomId } = await joinedSocket(url);
    const newcomer = await registerUser(url, 'late');
    const idle = await connect(url, newcomer.accessToken);
    const drains = [record(inRoom, 'serverDraining'), record(idle, 'serverDraining')];

    const exited = terminate(target);
    await waitFor(() => drains.every((d) => d.length === 1), 5000, 'serverDraining on both sockets');
    for (const [event] of drains as [ServerDrainingEvent[], ServerDrainingEvent[]]) {
      expect(event!.shutdownInMs).toBe(graceMs);
      // Spread over a third of the grace at most; no other node to name.
      expect(event!.reconnectInMs).toBeGreaterThanOrEqual(0);
      expect(event!.reconnectInMs).toBeLessThanOrEqual(graceMs / 3);
      expect(event!.alternativeUrl).toBeUndefined();
    }

    const refused = await request(idle, 'joinRoom', { roomId });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.UNAVAILABLE } });
    if (!refused.ok) {
      expect(refused.error.message).toMatch(/restarting/);
      expect(refused.error.details?.retryAfterMs).toBeGreaterThan(0);
    }
    // What was joined before stays usable until the node stops.
    expect((await request(inRoom, 'sendMessage', { roomId, content: 'still here', clientMessageId: randomUUID() })).ok).toBe(true);

    const handshake = await connect(url, newcomer.accessToken).then(
      () => undefined,
      (err: Error & { data?: ConnectionRefusedData }) => err,
    );
    expect(handshake?.message).toBe(ErrorCode.UNAVAILABLE);
    expect(handshake?.data).toMatchObject({ code: ErrorCode.UNAVAILABLE, retryAfterMs: expect.any(Number) });

    // A load balancer's health check takes it out of rotation.
    const health = await target.server.request('/api/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'draining' });

    // Nobody moves: the node waits out the grace period, then stops cleanly.
    const exit = await exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeGreaterThanOrEqual(graceMs - 200);
    expect(target.server.output()).toContain('drain grace period over');
  }, 30_000);
});

describe('drain on SIGTERM, one node, sockets that leave', () => {
  it('exits as soon as its last socket has gone, long before the grace period', async () => {
    const graceMs = 60_000;
    target = await startChatTarget('sqlite', { SHUTDOWN_GRACE_MS: String(graceMs), LOG_LEVEL: 'info' });
    const { socket, roomId } = await joinedSocket(target.url);
    const other = await joinedSocket(target.url, roomId);
    // A client that does what the event says: disconnects after reconnectInMs (here to nowhere).
    for (const s of [socket, other.socket])
      s.on('serverDraining', ({ reconnectInMs }) => setTimeout(() => s.disconnect(), reconnectInMs));
    const exit = await terminate(target);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(graceMs / 2);
    expect(target.server.output()).toContain('drained: every socket has gone');
  }, 90_000);

  it('a second SIGTERM cuts the drain short', async () => {
    const graceMs = 60_000;
    target = await startChatTarget('sqlite', { SHUTDOWN_GRACE_MS: String(graceMs), LOG_LEVEL: 'info' });
    const { socket } = await joinedSocket(target.url);
    const drains = record(socket, 'serverDraining');
    const exited = terminate(target);
    await waitFor(() => drains.length === 1, 5000, 'serverDraining');
    process.kill(target.server.pid, 'SIGTERM');
    const exit = await exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(graceMs / 2);
    expect(target.server.output()).toContain('second signal: stopping now');
  }, 90_000);

  // A balancer that checks health over kept-alive connections kept a closing node's HTTP server
  // open for good: a request under way when it closed left its connection open, and the next
  // check came before the keep-alive timeout.
  it.each([10_000, 0])(
    'exits while a balancer checks its health over kept-alive connections (SHUTDOWN_GRACE_MS=%i)',
    async (graceMs) => {
      target = await startChatTarget('sqlite', { SHUTDOWN_GRACE_MS: String(graceMs), LOG_LEVEL: 'info' });
      // A client that moves away a second after it is told to: the drain lasts that long.
      const { socket } = await joinedSocket(target.url);
      socket.on('serverDraining', () => setTimeout(() => socket.disconnect(), 1000));
      const poller = pollHealthKeptAlive(target.url);
      try {
        await waitFor(() => poller.answers.length >= 20, 10_000, 'health checks answered');
        const exit = await terminate(target);
        expect(exit, target.server.output().slice(-3000)).toMatchObject({ code: 0, signal: null });
        expect(exit.ms).toBeLessThan(5000);
      } finally {
        await poller.stop();
      }
      // While draining, every answer tells the balancer to reconnect (and so to pick another node).
      const draining = poller.answers.filter((a) => a.status === 503);
      if (graceMs > 0) expect(draining.length).toBeGreaterThan(0);
      for (const answer of draining) expect(answer.connection).toBe('close');
    },
    30_000,
  );

  // SIGTERM ends the process with 0 once closed; the other termination signals end it by themselves.
  it.each([
    ['SIGTERM', { code: 0, signal: null }],
    ['SIGHUP', { code: null, signal: 'SIGHUP' }],
  ] as const)('a request that never ends does not keep the node from stopping (%s)', async (signal, ended) => {
    target = await startChatTarget('sqlite', { SHUTDOWN_GRACE_MS: '0', LOG_LEVEL: 'info' });
    const { port, hostname } = new URL(target.url);
    // A client that stalls mid-upload: headers promise a body it never finishes.
    const stalled = net.connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => stalled.once('connect', resolve).once('error', reject));
    stalled.on('error', () => undefined);
    stalled.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: minimeet\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"username":',
    );
    const closedByServer = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
    try {
      const exit = await terminate(target, signal);
      expect(exit, target.server.output().slice(-3000)).toMatchObject(ended);
      expect(exit.ms).toBeLessThan(20_000);
      expect(target.server.output()).toContain('ending the HTTP connections still open');
      await closedByServer;
    } finally {
      stalled.destroy();
    }
  }, 40_000);

  it('SHUTDOWN_GRACE_MS=0 stops at once without telling anyone', async () => {
    target = await startChatTarget('sqlite', { SHUTDOWN_GRACE_MS: '0' });
    const { socket } = await joinedSocket(target.url);
    const drains = record(socket, 'serverDraining');
    const exit = await terminate(target);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(drains).toEqual([]);
  }, 30_000);
});
