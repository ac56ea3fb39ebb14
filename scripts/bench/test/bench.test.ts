/**
 * The benchmark end to end in --quick mode (real servers, real WebRTC bots, MariaDB for chat),
 * checking that it produces its figures — never how fast anything is — and the baseline
 * server's handling of malformed input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  socketHandshakeAuth,
  type Ack,
  type AuthResponse,
  type ClientToServerEvents,
  type RoomDto,
  type ServerToClientEvents,
} from '@minimeet/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, SERVER_MAIN, type ServerProcess } from '@minimeet/test-harness';
import { startBaseline } from '../src/servers.js';

const SCRIPTS = path.join(REPO_ROOT, 'scripts');

describe('npm run bench --quick', () => {
  it('prints the ratios and writes bench.json with finite positive ratio fields', () => {
    expect(existsSync(SERVER_MAIN), 'build the server first (npm run build)').toBe(true);
    const out = mkdtempSync(path.join(os.tmpdir(), 'bench-test-'));
    try {
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'bench/src/cli.ts', '--quick', '--phases', 'overhead,chat', '--out', out],
        { cwd: SCRIPTS, encoding: 'utf8', timeout: 240_000 },
      );
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('Ratios ours/baseline');
      expect(run.stdout).toMatch(/join→first-RTP p95\s+\d+\.\d\d×/);

      const bench = JSON.parse(readFileSync(path.join(out, 'bench.json'), 'utf8'));
      for (const field of [
        'joinToFirstRtpP95',
        'serverCpuPerStream',
        'workerUsPerPacket',
        'chatDeliveryP99',
        'chatMessagesPerSec',
      ]) {
        const value = bench.ratios[field];
        expect(Number.isFinite(value) && value > 0, `ratios.${field} = ${value}`).toBe(true);
      }
      for (const kind of ['minimeet', 'baseline']) {
        const o = bench.overhead[kind];
        expect(o.receivedStreams).toBe(o.expectedStreams);
        expect(o.window.consumerPackets).toBeGreaterThan(0);
      }
      // Every acknowledged message was persisted on MariaDB.
      expect(bench.chat.minimeet.persisted).toBe(bench.chat.minimeet.acked);
      // When pinned, the bench (and so its bots) really ran on the bot CPUs.
      if (bench.pinning.enabled) expect(bench.pinning.benchAffinity).toBe(bench.pinning.botCpus);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('baseline server', () => {
  let baseline: ServerProcess;
  let url: string;
  let auth: AuthResponse;
  let room: RoomDto;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    baseline = await startBaseline({
      env: { MEDIASOUP_WORKERS: '1', RTC_MIN_PORT: '47000', RTC_MAX_PORT: '47999' },
    });
    url = baseline.url;
    auth = await post<AuthResponse>('/api/auth/register', { username: 'alice', password: 'password-1' });
    room = await post<RoomDto>('/api/rooms', { name: 'room one' }, auth.accessToken);
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await baseline?.stop();
  });

  async function post<T>(route: string, body: unknown, token?: string): Promise<T> {
    const res = await fetch(url + route, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function connect(): Promise<Socket<ServerToClientEvents, ClientToServerEvents>> {
    const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
      auth: socketHandshakeAuth(auth.accessToken),
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('connect_error', reject);
    });
    return s;
  }

  const send = (s: Socket, event: string, payload: unknown) =>
    s.timeout(5000).emitWithAck(event, payload) as Promise<Ack<unknown>>;

  it('answers malformed socket payloads with an ack error and keeps serving', async () => {
    const s = await connect();
    const cases: Array<[string, unknown, string]> = [
      ['joinRoom', 'not an object', 'VALIDATION'],
      ['joinRoom', { roomId: 'one' }, 'VALIDATION'],
      ['joinRoom', { roomId: room.id, extra: true }, 'VALIDATION'],
      ['joinRoom', { roomId: 999 }, 'NOT_FOUND'],
      ['createWebRtcTransport', { roomId: room.id, direction: 'send' }, 'NOT_IN_ROOM'],
      ['consume', { transportId: 'x', producerId: 'y', rtpCapabilities: {} }, 'TRANSPORT_NOT_FOUND'],
      ['sendMessage', { roomId: room.id, content: 'hi', clientMessageId: 'not-a-uuid' }, 'VALIDATION'],
      ['resumeConsumer', null, 'VALIDATION'],
    ];
    for (const [event, payload, code] of cases) {
      const ack = await send(s, event, payload);
      expect(ack.ok ? 'ok' : ack.error.code, `${event} ${JSON.stringify(payload)}`).toBe(code);
    }
    // No ack callback at all: nothing to answer, nothing may crash.
    (s as unknown as Socket).emit('joinRoom', 42);

    const joined = await send(s, 'joinRoom', { roomId: room.id });
    expect(joined.ok).toBe(true);
    const transport = await send(s, 'createWebRtcTransport', { roomId: room.id, direction: 'send' });
    expect(transport.ok).toBe(true);
    const transportId = (transport as { data: { id: string } }).data.id;
    // mediasoup refuses garbage RTP parameters; that is a VALIDATION answer, not a crash.
    const produce = await send(s, 'produce', {
      transportId,
      kind: 'video',
      source: 'camera',
      rtpParameters: { codecs: 'nope' },
    });
    expect(produce.ok ? 'ok' : produce.error.code).toBe('VALIDATION');
    const connectBad = await send(s, 'connectWebRtcTransport', {
      transportId,
      dtlsParameters: { fingerprints: 3 },
    });
    expect(connectBad.ok ? 'ok' : connectBad.error.code).toBe('VALIDATION');

    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(baseline.exitResult()).toBeUndefined(); // still running
  });

  it('answers malformed HTTP bodies and unknown tokens with the shared error shape', async () => {
    const bad = await fetch(`${url}/api/auth/login`, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('VALIDATION');
    const anon = await fetch(`${url}/api/rooms`, { headers: { authorization: 'Bearer 12345' } });
    expect(anon.status).toBe(401);
    expect((await anon.json()).error.code).toBe('UNAUTHORIZED');
    const refused = io(url, {
      auth: socketHandshakeAuth('nobody'),
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    sockets.push(refused);
    const err = await new Promise<Error>((resolve) => refused.once('connect_error', resolve));
    expect(err.message).toBe('unauthorized');
  });
});
