/**
 * Issue 7 (observability): GET /metrics in Prometheus text format (read by a real parser),
 * METRICS_TOKEN, the HTTP and socket-ack latency histograms, the chat counter, one structured
 * log line per HTTP request with a request id; and, during a call of two Node WebRTC peers,
 * the media gauges. Chat and auth go through the database: SQLite and MariaDB.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, type ApiErrorBody, type AuthResponse } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import {
  closeAllSockets,
  connect,
  createRoom,
  http,
  okData,
  registerUser,
  request,
  uniqueName,
} from './helpers/chat-client.js';
import {
  createTestDatabase,
  DB_KINDS,
  startServer,
  waitFor,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';
import { parseScrape, sampleValue, type Scrape } from './helpers/prometheus.js';

const METRICS_TOKEN = 'scrape-token-0123456789abcdef';

async function scrape(server: ServerProcess, token?: string): Promise<Scrape> {
  const res = await server.request(
    '/metrics',
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseScrape(await res.text());
}

/** Every family is typed and documented, and every plain sample has a numeric value. */
function expectWellFormed(s: Scrape): void {
  const typeLines = s.text.split('\n').filter((l) => l.startsWith('# TYPE ')).length;
  expect(s.families.size).toBe(typeLines);
  for (const f of s.families.values()) {
    expect(f.type, f.name).not.toBe('UNTYPED');
    expect(f.help, f.name).not.toBe('');
    if (f.type === 'GAUGE' || f.type === 'COUNTER') {
      for (const m of f.metrics) expect(sampleValue(m.value ?? ''), `${f.name} ${m.value}`).toBeDefined();
    }
  }
}

describe.each(DB_KINDS)('/metrics with METRICS_TOKEN (%s)', (kind) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let user: AuthResponse;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    server = await startServer({
      env: {
        DATABASE_URL: db.url,
        METRICS_TOKEN,
        MEDIASOUP_WORKERS: '1',
        LOG_LEVEL: 'debug',
        ADMIN_STATS_INTERVAL_MS: '500',
      },
    });
    user = await registerUser(server.url, 'metrics');
  });

  afterAll(async () => {
    closeAllSockets();
    await server?.stop();
    await db?.drop();
  });

  it('answers 401 without the token or with a wrong one, and the metrics with it', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token-0123456789abcdef' },
      { authorization: METRICS_TOKEN },
    ];
    for (const headers of attempts) {
      const res = await server.request('/metrics', { headers });
      expect(res.status).toBe(401);
      const body = (await res.json()) as ApiErrorBody;
      expect(body.error.code).toBe(ErrorCode.UNAUTHORIZED);
    }
    // A user's access token is not the metrics token.
    const asUser = await server.request('/metrics', {
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    expect(asUser.status).toBe(401);

    const s = await scrape(server, METRICS_TOKEN);
    expectWellFormed(s);
    // Node.js process metrics of the server itself, and the media gauges (nothing running yet).
    expect(s.families.get('process_cpu_user_seconds_total')?.type).toBe('COUNTER');
    expect(s.families.get('process_resident_memory_bytes')?.type).toBe('GAUGE');
    expect(s.families.get('nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE');
    expect(s.sample('minimeet_rooms')).toBe(0);
    expect(s.sample('minimeet_producers', { kind: 'video' })).toBe(0);
    const workers = s.samples('minimeet_worker_up');
    expect(workers).toHaveLength(1);
    expect(workers[0]!.value).toBe(1);
    expect(Number(workers[0]!.labels.pid)).toBeGreaterThan(0);
    // Not under /api, and not shadowed by it.
    expect((await server.request('/api/metrics')).status).toBe(404);
  });

  it('counts stored chat messages (not retries) and times socket acks by event and outcome', async () => {
    const room = await createRoom(server.url, user.accessToken, 'metrics chat');
    const socket = await connect(server.url, user.accessToken);
    const before = await scrape(server, METRICS_TOKEN);
    const stored = before.sample('minimeet_chat_messages_stored_total') ?? -1;
    expect(stored).toBeGreaterThanOrEqual(0);

    // Refused: not joined yet.
    const refused = await request(socket, 'sendMessage', {
      roomId: room.id,
      content: 'too early',
      clientMessageId: randomUUID(),
    });
    expect(refused.ok).toBe(false);
    okData(await request(socket, 'joinRoom', { roomId: room.id }));
    const first = randomUUID();
    okData(await request(socket, 'sendMessage', { roomId: room.id, content: 'one', clientMessageId: first }));
    okData(await request(socket, 'sendMessage', { roomId: room.id, content: 'one', clientMessageId: first }));
    okData(
      await request(socket, 'sendMessage', {
        roomId: room.id,
        content: 'two',
        clientMessageId: randomUUID(),
      }),
    );

    const after = await scrape(server, METRICS_TOKEN);
    expect(after.sample('minimeet_chat_messages_stored_total')).toBe(stored + 2);
    const count = (s: Scrape, event: string, ok: boolean) =>
      s.sample('minimeet_socket_ack_duration_seconds_count', { event, ok: String(ok) }) ?? 0;
    expect(count(after, 'sendMessage', true) - count(before, 'sendMessage', true)).toBe(3);
    expect(count(after, 'sendMessage', false) - count(before, 'sendMessage', false)).toBe(1);
    expect(count(after, 'joinRoom', true)).toBeGreaterThanOrEqual(1);
    const sum = after.sample('minimeet_socket_ack_duration_seconds_sum', {
      event: 'sendMessage',
      ok: 'true',
    })!;
    expect(sum).toBeGreaterThan(0);
    const inf = after.sample('minimeet_socket_ack_duration_seconds_bucket', {
      event: 'sendMessage',
      ok: 'true',
      le: '+Inf',
    });
    expect(inf).toBe(count(after, 'sendMessage', true));
    expect(after.sample('minimeet_socket_connections')).toBeGreaterThanOrEqual(1);

    // Socket request log lines carry the user and the room.
    await waitFor(() => {
      const lines = server.logLines();
      const refusedLine = lines.find((l) => l.msg === 'socket request refused' && l.event === 'sendMessage');
      const okLine = lines.find((l) => l.msg === 'socket request' && l.event === 'sendMessage');
      return refusedLine && okLine ? { refusedLine, okLine } : undefined;
    }, 5000).then(({ refusedLine, okLine }) => {
      expect(refusedLine).toMatchObject({
        userId: user.user.id,
        roomId: room.id,
        code: ErrorCode.NOT_IN_ROOM,
      });
      expect(okLine).toMatchObject({ userId: user.user.id, roomId: room.id });
      expect(typeof okLine.ms).toBe('number');
    });
    socket.close();
  });

  it('times HTTP requests by route pattern, logs one line per request with a request id', async () => {
    const rooms = await Promise.all(
      ['a', 'b'].map((n) => createRoom(server.url, user.accessToken, `route ${n}`)),
    );
    const before = await scrape(server, METRICS_TOKEN);
    const byId = { method: 'GET', route: '/api/rooms/:id', status: '200' };
    const base = before.sample('minimeet_http_request_duration_seconds_count', byId) ?? 0;
    for (const r of rooms)
      expect((await http(server.url, 'GET', `/rooms/${r.id}`, { token: user.accessToken })).status).toBe(200);
    expect((await http(server.url, 'GET', '/no/such/route')).status).toBe(404);

    const after = await scrape(server, METRICS_TOKEN);
    expect(after.sample('minimeet_http_request_duration_seconds_count', byId)).toBe(base + 2);
    expect(after.sample('minimeet_http_request_duration_seconds_sum', byId)).toBeGreaterThan(0);
    expect(
      after.sample('minimeet_http_request_duration_seconds_count', {
        method: 'GET',
        route: '<unmatched>',
        status: '404',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      after.sample('minimeet_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/metrics',
        status: '401',
      }),
    ).toBeGreaterThanOrEqual(1);
    // Route patterns only: no raw URL (ids, unknown paths) becomes a label value.
    const routes = new Set(
      after.samples('minimeet_http_request_duration_seconds_count').map((s) => s.labels.route),
    );
    for (const route of routes) expect(route, route).not.toMatch(/\/\d+(\/|$)|no\/such/);

    // x-request-id: honoured when plain, replaced when not, generated when absent.
    const mine = await server.request('/api/rooms', {
      headers: { authorization: `Bearer ${user.accessToken}`, 'x-request-id': 'trace-abc.123' },
    });
    expect(mine.headers.get('x-request-id')).toBe('trace-abc.123');
    const hostile = await server.request('/api/rooms', { headers: { 'x-request-id': 'bad id;drop' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const none = await server.request('/api/health');
    const generated = none.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);

    const lines = await waitFor(() => {
      const all = server.logLines().filter((l) => l.msg === 'http request');
      return all.some((l) => l.requestId === generated) ? all : undefined;
    }, 5000);
    const traced = lines.find((l) => l.requestId === 'trace-abc.123');
    expect(traced).toMatchObject({
      level: 30,
      method: 'GET',
      route: '/api/rooms',
      status: 200,
      userId: user.user.id,
    });
    expect(typeof traced!.ms).toBe('number');
    const anonymous = lines.find((l) => l.requestId === hostile.headers.get('x-request-id'));
    expect(anonymous).toMatchObject({ status: 401 });
    expect(anonymous).not.toHaveProperty('userId');
    // Probes and scrapes log at debug, everything else at info.
    expect(lines.find((l) => l.requestId === generated)).toMatchObject({ level: 20, route: '/api/health' });
    for (const l of lines.filter((x) => x.route === '/metrics')) expect(l.level).toBe(20);
    expect(lines.find((l) => l.route === '/api/rooms/:id')).toMatchObject({
      level: 30,
      path: `/api/rooms/${rooms[0]!.id}`,
    });
  });
});

describe('/metrics during a call, open without METRICS_TOKEN, next to the served client (sqlite)', () => {
  let server: ServerProcess;
  let clientDir: string;
  const peers: MiniMeetPeer[] = [];

  beforeAll(async () => {
    clientDir = mkdtempSync(path.join(os.tmpdir(), 'minimeet-client-'));
    writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>MiniMeet shell</title>');
    server = await startServer({
      env: {
        METRICS_TOKEN: undefined,
        CLIENT_DIST_DIR: clientDir,
        MEDIASOUP_WORKERS: '1',
        ADMIN_STATS_INTERVAL_MS: '500',
        AUTH_RATE_LIMIT: '1000',
      },
    });
  });

  afterAll(async () => {
    for (const p of peers) await p.close();
    await server?.stop();
    rmSync(clientDir, { recursive: true, force: true });
  });

  it('has non-zero producer, consumer, bitrate and worker gauges and ack latencies for the media requests', async () => {
    const owner = await registerUser(server.url, 'owner');
    const roomId = (await createRoom(server.url, owner.accessToken, 'metrics call', 8)).id;
    for (let i = 0; i < 2; i++) {
      const peer = new MiniMeetPeer({
        url: server.url,
        roomId,
        username: uniqueName('peer'),
        password: 'correct horse battery',
      });
      peers.push(peer);
      await peer.start();
    }
    // Open: no token needed; the SPA fallback does not answer /metrics with index.html.
    const s = await waitFor(async () => {
      const current = await scrape(server);
      const flowing =
        current.sample('minimeet_consumers', { kind: 'video' }) === 2 &&
        current.sample('minimeet_consumers', { kind: 'audio' }) === 2 &&
        (current.sample('minimeet_media_bitrate_bits_per_second', { direction: 'out' }) ?? 0) > 0;
      return flowing ? current : undefined;
    }, 20_000);
    expectWellFormed(s);
    expect(s.text).not.toContain('MiniMeet shell');
    expect(s.families.get('minimeet_producers')?.type).toBe('GAUGE');
    expect(s.sample('minimeet_rooms')).toBe(1);
    expect(s.sample('minimeet_peers')).toBe(2);
    expect(s.sample('minimeet_transports')).toBe(4);
    expect(s.sample('minimeet_producers', { kind: 'audio' })).toBe(2);
    expect(s.sample('minimeet_producers', { kind: 'video' })).toBe(2);
    expect(s.sample('minimeet_media_bitrate_bits_per_second', { direction: 'in' })).toBeGreaterThan(0);
    expect(s.sample('minimeet_socket_connections')).toBe(2);
    const [worker] = s.samples('minimeet_worker_routers');
    expect(worker!.value).toBe(1);
    expect(s.sample('minimeet_worker_max_rss_bytes', worker!.labels)).toBeGreaterThan(1_000_000);
    expect(s.sample('minimeet_worker_cpu_percent', worker!.labels)).toBeGreaterThanOrEqual(0);
    expect(s.sample('minimeet_stats_collection_duration_seconds')).toBeGreaterThan(0);
    for (const event of [
      'joinRoom',
      'createWebRtcTransport',
      'connectWebRtcTransport',
      'produce',
      'consume',
    ]) {
      expect(
        s.sample('minimeet_socket_ack_duration_seconds_count', { event, ok: 'true' }),
        event,
      ).toBeGreaterThanOrEqual(2);
    }
    // The client is still served next to it.
    expect(await (await server.request('/rooms/1')).text()).toContain('MiniMeet shell');
  });
});
