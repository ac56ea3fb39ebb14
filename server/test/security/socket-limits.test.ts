/**
 * Issue 11: Socket.IO frames are capped at 64 KB (a bigger one drops that connection only) and
 * every socket has a token bucket on its events (RATE_LIMITED with retryAfterMs, then usable again).
 */
import { randomBytes } from 'node:crypto';
import { ErrorCode, type Ack } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllSockets,
  connect,
  createRoom,
  rawRequest,
  registerUser,
  sleep,
  type ClientSocket,
} from '../helpers/chat-client.js';
import { startServer, type ServerProcess } from '@minimeet/test-harness';
import { createTransport, emitRaw, joinMedia } from './media-fixtures.js';

const PER_SECOND = 20;
const BURST = 60;
let server: ServerProcess;
let roomId: number;
let token: string;

beforeAll(async () => {
  server = await startServer({
    env: {
      MEDIASOUP_WORKERS: '1',
      AUTH_RATE_LIMIT: '1000',
      SOCKET_EVENTS_PER_SECOND: String(PER_SECOND),
      SOCKET_EVENT_BURST: String(BURST),
      LOG_LEVEL: 'warn',
    },
  });
  const user = await registerUser(server.url, 'limits');
  token = user.accessToken;
  roomId = (await createRoom(server.url, token, 'limits', 10)).id;
});

afterAll(async () => {
  closeAllSockets();
  await server?.stop();
});

function refusals(acks: Ack<unknown>[]) {
  return acks.filter((a): a is Extract<Ack<unknown>, { ok: false }> => !a.ok);
}

describe('Socket.IO frame size', () => {
  it('a 100 KB frame drops that connection; the server stays healthy and others are unaffected', async () => {
    const bystander = await connect(server.url, token);
    const hostile = await connect(server.url, token);
    const dropped = new Promise<string>((resolve) => hostile.once('disconnect', resolve));
    emitRaw(hostile, 'sendMessage', {
      roomId,
      content: 'x'.repeat(100_000),
      clientMessageId: '5b0c3b5e-5a4e-4c59-9f0e-6d1c0e4f3a21',
    });
    expect(await dropped).toMatch(/transport (close|error)/);

    expect((await server.request('/api/health')).status).toBe(200);
    expect(bystander.connected).toBe(true);
    // A request of legitimate size still gets an answer, on the other socket and on a new one.
    expect(await rawRequest(bystander, 'joinRoom', { roomId })).toMatchObject({ ok: true });
    const fresh = await connect(server.url, token);
    const longButAllowed = await rawRequest(fresh, 'sendMessage', {
      roomId,
      content: 'y'.repeat(40_000),
      clientMessageId: '5b0c3b5e-5a4e-4c59-9f0e-6d1c0e4f3a22',
    });
    expect(longButAllowed).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION } });
  });
});

describe('Socket.IO frame size with the Redis adapter', () => {
  it('a 100 KB frame drops the connection there too; a normal request works', async () => {
    const redisServer = await startServer({
      env: {
        MEDIASOUP_WORKERS: '1',
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_KEY_PREFIX: `mmtest-${randomBytes(4).toString('hex')}`,
        LOG_LEVEL: 'warn',
      },
    });
    try {
      const owner = await registerUser(redisServer.url, 'redisframe');
      const room = (await createRoom(redisServer.url, owner.accessToken, 'frames', 4)).id;
      const hostile = await connect(redisServer.url, owner.accessToken);
      const dropped = new Promise<string>((resolve) => hostile.once('disconnect', resolve));
      emitRaw(hostile, 'joinRoom', { roomId: room, padding: 'x'.repeat(100_000) });
      expect(await dropped).toMatch(/transport (close|error)/);
      const fresh = await connect(redisServer.url, owner.accessToken);
      expect(await rawRequest(fresh, 'joinRoom', { roomId: room })).toMatchObject({ ok: true });
    } finally {
      await redisServer.stop();
    }
  });
});

describe('per-socket event rate limit', () => {
  let socket: ClientSocket;

  beforeAll(async () => {
    socket = await connect(server.url, token);
    await joinMedia(socket, roomId);
    await createTransport(socket, roomId, 'send');
  });

  it('300 getMediaStats at once: the burst is served, the rest RATE_LIMITED with retryAfterMs; later it works again', async () => {
    // Start from a full bucket: joining and creating the transport above spent a few tokens.
    await sleep(((BURST + 5) * 1000) / PER_SECOND);
    const acks = await Promise.all(
      Array.from({ length: 300 }, () => rawRequest(socket, 'getMediaStats', { roomId }, 15_000)),
    );
    const refused = refusals(acks);
    const served = acks.length - refused.length;
    expect(served).toBeGreaterThanOrEqual(BURST - 1);
    expect(served).toBeLessThan(300);
    for (const r of refused) {
      expect(r.error.code).toBe(ErrorCode.RATE_LIMITED);
      expect(r.error.details!.retryAfterMs).toBeGreaterThan(0);
    }
    // Another socket of the same user has its own bucket.
    const other = await connect(server.url, token);
    expect(await rawRequest(other, 'joinRoom', { roomId })).toMatchObject({ ok: true });

    const wait = Math.max(...refused.map((r) => r.error.details!.retryAfterMs!));
    await sleep(wait);
    expect(await rawRequest(socket, 'getMediaStats', { roomId })).toMatchObject({ ok: true });
  });

  it('a restartIce flood is throttled the same way, and the throttle is logged once, not per event', async () => {
    // Let the bucket fill again.
    await sleep(((BURST + 5) * 1000) / PER_SECOND);
    const acks = await Promise.all(
      Array.from({ length: 300 }, () => rawRequest(socket, 'restartIce', { transportId: 'nope' }, 15_000)),
    );
    const codes = new Set(refusals(acks).map((r) => r.error.code));
    expect(codes).toEqual(new Set([ErrorCode.TRANSPORT_NOT_FOUND, ErrorCode.RATE_LIMITED]));
    const limited = refusals(acks).filter((r) => r.error.code === ErrorCode.RATE_LIMITED);
    expect(limited.length).toBeGreaterThan(100);
    await sleep(Math.max(...limited.map((r) => r.error.details!.retryAfterMs!)));
    expect(await rawRequest(socket, 'restartIce', { transportId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.TRANSPORT_NOT_FOUND },
    });
    const warnings = server.logLines().filter((l) => l.msg === 'socket throttled');
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.length).toBeLessThanOrEqual(4);
    expect(warnings[0]).toMatchObject({ level: 40, socketId: socket.id });
  });
});
