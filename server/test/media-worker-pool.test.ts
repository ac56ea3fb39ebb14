/**
 * The media layer without Nest or HTTP: real mediasoup workers, routers and transports.
 */
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workerBin } from 'mediasoup';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerMedia } from '../src/media/peer-media.js';
import { RoomMedia } from '../src/media/room-media.js';
import { createWebRtcTransport } from '../src/media/transports.js';
import {
  WorkerPool,
  type MediaLogger,
  type WorkerPoolEvents,
  type WorkerPoolOptions,
} from '../src/media/worker-pool.js';
import { randomRtcPortRange, waitFor } from '@minimeet/test-harness';

const pools: WorkerPool[] = [];
afterEach(() => {
  for (const pool of pools.splice(0)) pool.close();
});

function rtcRange() {
  const r = randomRtcPortRange();
  return { rtcMinPort: Number(r.RTC_MIN_PORT), rtcMaxPort: Number(r.RTC_MAX_PORT) };
}

async function createPool(options: Partial<WorkerPoolOptions> = {}): Promise<WorkerPool> {
  const pool = await WorkerPool.create({
    workerCount: 2,
    logLevel: 'warn',
    listenIp: '127.0.0.1',
    ...rtcRange(),
    ...options,
  });
  pools.push(pool);
  return pool;
}

/** The next `event` of the pool, or a rejection after `ms`. */
function nextEvent<K extends keyof WorkerPoolEvents>(
  pool: WorkerPool,
  event: K,
  ms: number,
): Promise<WorkerPoolEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${String(event)} within ${ms} ms`)), ms);
    pool.once(event, ((payload: WorkerPoolEvents[K][0]) => {
      clearTimeout(timer);
      resolve(payload);
    }) as never);
  });
}

/** A logger that keeps the messages, for waiting on what the pool reports. */
function captureLogger(): MediaLogger & { messages: string[] } {
  const messages: string[] = [];
  const log = (_obj: unknown, msg?: string) => void messages.push(msg ?? '');
  return { messages, debug: log, info: log, warn: log, error: log } as MediaLogger & { messages: string[] };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True if 127.0.0.1:port/udp can be bound, i.e. nobody holds it. */
async function udpPortFree(port: number): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

describe('WorkerPool', () => {
  it('starts workerCount live workers, each with a WebRtcServer on its own port of the range', async () => {
    const range = rtcRange();
    const pool = await createPool({ workerCount: 2, ...range });

    const state = await pool.state();
    expect(state).toHaveLength(2);
    expect(new Set(state.map((w) => w.pid)).size).toBe(2);
    for (const w of state) {
      expect(w.alive).toBe(true);
      expect(processExists(w.pid)).toBe(true);
      expect(Number.isFinite(w.cpuMs) && w.cpuMs >= 0).toBe(true);
    }
    const ports = pool.workers.map((w) => w.port);
    expect(new Set(ports).size).toBe(2);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(range.rtcMinPort);
      expect(port).toBeLessThanOrEqual(range.rtcMaxPort);
      expect(await udpPortFree(port)).toBe(false); // really bound
    }
  });

  it('skips a port of the range that another process holds', async () => {
    const { rtcMinPort } = rtcRange();
    const squatter = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(rtcMinPort, '127.0.0.1', () => resolve()));
    try {
      const pool = await createPool({ workerCount: 1, rtcMinPort, rtcMaxPort: rtcMinPort + 1 });
      expect(pool.workers[0]!.port).toBe(rtcMinPort + 1);
    } finally {
      squatter.close();
    }
  });

  it('refuses to start when the range has fewer ports than workers', async () => {
    const { rtcMinPort } = rtcRange();
    await expect(createPool({ workerCount: 2, rtcMinPort, rtcMaxPort: rtcMinPort })).rejects.toThrow(
      /fewer ports/,
    );
  });

  it('creates routers offering opus, VP8, VP9 and H264 (42e01f, 4d0032)', async () => {
    const pool = await createPool({ workerCount: 1 });
    const { router } = await pool.createRouter();
    const codecs = router.rtpCapabilities.codecs ?? [];
    const mimeTypes = codecs.map((c) => c.mimeType);
    expect(mimeTypes).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/VP9', 'video/H264']));
    const opus = codecs.find((c) => c.mimeType === 'audio/opus')!;
    expect([opus.clockRate, opus.channels]).toEqual([48000, 2]);
    const h264Profiles = codecs
      .filter((c) => c.mimeType === 'video/H264')
      .map((c) => [c.parameters?.['profile-level-id'], c.parameters?.['packetization-mode']]);
    expect(h264Profiles).toEqual(
      expect.arrayContaining([
        ['42e01f', 1],
        ['4d0032', 1],
      ]),
    );
  });

  it('puts each new router on the least-loaded worker', async () => {
    const pool = await createPool({ workerCount: 2 });
    // Even when requested at the same time, two routers land on two workers.
    const [a, b] = await Promise.all([pool.createRouter(), pool.createRouter()]);
    expect(a.worker).not.toBe(b.worker);

    const c = await pool.createRouter(); // a tie: either worker
    const busy = c.worker;
    const idle = busy === a.worker ? b.worker : a.worker;
    expect((await pool.createRouter()).worker).toBe(idle);

    // Closing routers frees their worker: close everything on `busy`, the next two go there.
    for (const r of [a, b, c]) if (r.worker === busy) r.router.close();
    expect((await pool.createRouter()).worker).toBe(busy);
    expect((await pool.createRouter()).worker).toBe(busy);
  });

  it('gives a WebRtcTransport on 127.0.0.1 listenInfos only 127.0.0.1 ICE candidates', async () => {
    const pool = await createPool({ workerCount: 1 });
    const { router } = await pool.createRouter();
    const transport = await createWebRtcTransport(router, {
      listenInfos: [
        { protocol: 'udp', ip: '127.0.0.1' },
        { protocol: 'tcp', ip: '127.0.0.1' },
      ],
    });
    expect(transport.iceCandidates.length).toBeGreaterThanOrEqual(2);
    for (const candidate of transport.iceCandidates) expect(candidate.address).toBe('127.0.0.1');
    expect(new Set(transport.iceCandidates.map((c) => c.protocol))).toEqual(new Set(['udp', 'tcp']));
  });

  it('gives recv transports (SFU → client) the estimate floor MEDIA_MIN_OUTGOING_BITRATE, send transports none', async () => {
    const pool = await createPool({ workerCount: 1 });
    const room = await RoomMedia.create(1, pool, { maxIncomingBitrate: 5_000_000, minOutgoingBitrate: 200_000 });
    const plain = await RoomMedia.create(2, pool, { maxIncomingBitrate: 5_000_000, minOutgoingBitrate: 0 });
    try {
      const peer = new PeerMedia('p1', 1, 'c1');
      room.addPeer(peer);
      const recv = await room.createTransport(peer, 'recv', 'c1');
      const send = await room.createTransport(peer, 'send', 'c1');
      const floorOf = async (t: typeof recv) => (await t.getStats())[0]?.minOutgoingBitrate ?? 0;
      expect(await floorOf(recv)).toBe(200_000);
      expect(await floorOf(send)).toBe(0);
      // 0: left to mediasoup's own floor.
      const other = new PeerMedia('p2', 2, 'c2');
      plain.addPeer(other);
      expect(await floorOf(await plain.createTransport(other, 'recv', 'c2'))).toBe(0);
    } finally {
      room.close();
      plain.close();
    }
  });

  it("shares the worker's WebRtcServer port, and announces MEDIASOUP_ANNOUNCED_ADDRESS when set", async () => {
    const local = await createPool({ workerCount: 1 });
    const { router, worker } = await local.createRouter();
    const transport = await createWebRtcTransport(router, worker);
    expect(transport.iceCandidates.map((c) => [c.protocol, c.address, c.port]).sort()).toEqual([
      ['tcp', '127.0.0.1', worker.port],
      ['udp', '127.0.0.1', worker.port],
    ]);

    const announced = await createPool({ workerCount: 1, announcedAddress: '203.0.113.7' });
    const r2 = await announced.createRouter();
    const t2 = await createWebRtcTransport(r2.router, r2.worker);
    for (const candidate of t2.iceCandidates) expect(candidate.address).toBe('203.0.113.7');
  });

  it('replaces a worker killed with SIGKILL and emits workerReplaced', async () => {
    const range = rtcRange();
    const pool = await createPool({ workerCount: 2, ...range });
    const { router, worker: victim } = await pool.createRouter();
    const survivor = pool.workers.find((w) => w !== victim)!;
    const died: number[] = [];
    pool.on('workerDied', ({ pid }) => died.push(pid));
    const replaced = nextEvent(pool, 'workerReplaced', 2000);
    const t0 = Date.now();
    process.kill(victim.pid, 'SIGKILL');
    const { oldPid, newWorker } = await replaced;
    const event = { oldPid, newPid: newWorker.pid, ms: Date.now() - t0 };

    expect(event.oldPid).toBe(victim.pid);
    expect(event.newPid).not.toBe(victim.pid);
    expect(event.ms).toBeLessThan(2000);
    expect(died).toEqual([victim.pid]);
    expect(router.closed).toBe(true); // rooms on the dead worker must be recreated
    const state = await pool.state();
    expect(state.map((w) => w.pid).sort()).toEqual([event.newPid, survivor.pid].sort());
    expect(state.every((w) => w.alive)).toBe(true);

    // The replacement is fully usable: its own WebRtcServer port inside the range.
    const fresh = pool.workers.find((w) => w.pid === event.newPid)!;
    expect(fresh.port).not.toBe(survivor.port);
    expect(fresh.port).toBeGreaterThanOrEqual(range.rtcMinPort);
    expect(fresh.port).toBeLessThanOrEqual(range.rtcMaxPort);
    const r = await fresh.worker.createRouter({ mediaCodecs: [] });
    const t = await createWebRtcTransport(r, fresh);
    expect(t.iceCandidates[0]!.port).toBe(fresh.port);
  });

  it('reports a worker it cannot respawn as dead, and keeps retrying until it can', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'minimeet-bin-'));
    const bin = path.join(dir, 'mediasoup-worker');
    symlinkSync(workerBin, bin);
    try {
      const pool = await createPool({ workerCount: 1, workerBin: bin });
      const [victim] = pool.workers;
      unlinkSync(bin); // respawning now fails
      process.kill(victim!.pid, 'SIGKILL');

      const dead = await waitFor(async () => {
        const s = await pool.state();
        return s[0]?.alive === false ? s : undefined;
      }, 2000);
      expect(dead).toEqual([{ pid: victim!.pid, alive: false, cpuMs: 0 }]);
      expect(() => pool.leastLoaded()).toThrow(/no live mediasoup worker/);

      symlinkSync(workerBin, bin); // the binary is back: a retry succeeds
      const { oldPid } = await nextEvent(pool, 'workerReplaced', 5000);
      expect(oldPid).toBe(victim!.pid);
      const state = await pool.state();
      expect(state).toHaveLength(1);
      expect(state[0]!.alive).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('close() is idempotent and leaves no worker process, retry timer or signal listener behind', async () => {
    const sigtermListeners = process.listenerCount('SIGTERM');
    const sigintListeners = process.listenerCount('SIGINT');
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'minimeet-bin-'));
    const bin = path.join(dir, 'mediasoup-worker');
    symlinkSync(workerBin, bin);
    const logger = captureLogger();
    const pool = await WorkerPool.create({
      workerCount: 2,
      logLevel: 'warn',
      listenIp: '127.0.0.1',
      ...rtcRange(),
      workerBin: bin,
      logger,
    });
    const [victim, other] = pool.workers;
    expect(process.listenerCount('SIGTERM')).toBe(sigtermListeners);
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners);
    // One worker dies and cannot be respawned, so a retry timer is pending when close() runs.
    unlinkSync(bin);
    process.kill(victim!.pid, 'SIGKILL');
    await waitFor(
      () => (logger.messages.includes('could not replace dead mediasoup worker') ? true : undefined),
      3000,
    );

    let closedEvents = 0;
    let replacedAfterClose = 0;
    pool.on('closed', () => closedEvents++);
    pool.on('workerReplaced', () => replacedAfterClose++);
    const timersBeforeClose = timers();
    pool.close();
    pool.close();
    expect(timers()).toBe(timersBeforeClose - 1); // the retry timer is gone
    symlinkSync(workerBin, bin);

    expect(closedEvents).toBe(1);
    expect(pool.closed).toBe(true);
    await waitFor(() => (processExists(other!.pid) ? undefined : true), 3000);
    // The pool takes mediasoup's SIGTERM listeners from its workers (the server drains on SIGTERM
    // before it closes the pool): none is left, not even of the worker that died.
    expect(process.listenerCount('SIGTERM')).toBe(sigtermListeners);
    await new Promise((r) => setTimeout(r, 1200)); // past the next retry
    expect(replacedAfterClose).toBe(0);
    expect(() => pool.leastLoaded()).toThrow(/closed/);
    rmSync(dir, { recursive: true, force: true });
  });
});
