/**
 * RoomMedia across workers without Nest or HTTP: real mediasoup workers (2), routers, pipes.
 * Producing and consuming work on unconnected transports, so no ICE is needed here (the
 * end-to-end media path is in media-room-workers.test.ts).
 */
import { createWorker, type types } from 'mediasoup';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MEDIA_CODECS } from '../src/media/media-codecs.js';
import { PeerMedia } from '../src/media/peer-media.js';
import { RoomMedia, type RoomMediaEvents } from '../src/media/room-media.js';
import { WorkerPool } from '../src/media/worker-pool.js';
import { rtpParametersFor } from './security/media-fixtures.js';
import { waitFor } from '@minimeet/test-harness';

let pool: WorkerPool;
let room: RoomMedia;
let seq = 0;

beforeEach(async () => {
  pool = await WorkerPool.create({
    workerCount: 2,
    logLevel: 'warn',
    listenIp: '127.0.0.1',
    rtcMinPort: 45150,
    rtcMaxPort: 45199,
  });
  // Spill load 1: the room takes a router on the second worker as soon as it has a peer.
  room = await RoomMedia.create(1, pool, { maxIncomingBitrate: 5_000_000, routerSpillLoad: 1 });
});

const cleanups: Array<() => void> = [];
const onCleanup = (fn: () => void) => cleanups.push(fn);

afterEach(() => {
  room.close();
  pool.close();
  for (const fn of cleanups.splice(0)) fn();
});

/** The wire fixture as mediasoup's type (same JSON; the unions differ in details). */
const rtp = (source: 'mic' | 'camera') => rtpParametersFor(source) as types.RtpParameters;

function addPeer(userId: number): PeerMedia {
  const peer = new PeerMedia(`peer-${++seq}`, userId, `conn-${seq}`);
  room.addPeer(peer);
  return peer;
}

/** Collects a room event's payloads. */
function record<K extends keyof RoomMediaEvents>(event: K): RoomMediaEvents[K][0][] {
  const seen: RoomMediaEvents[K][0][] = [];
  room.on(event, ((payload: RoomMediaEvents[K][0]) => seen.push(payload)) as never);
  return seen;
}

async function produce(peer: PeerMedia, source: 'mic' | 'camera'): Promise<types.Producer> {
  const send = peer.transportOf('send') ?? { transport: await room.createTransport(peer, 'send', peer.attachedTo!) };
  return room.produce(peer, send.transport.id, {
    kind: source === 'mic' ? 'audio' : 'video',
    rtpParameters: rtp(source),
    source,
    paused: false,
  });
}

async function consume(peer: PeerMedia, producerId: string): Promise<types.Consumer> {
  const recv = peer.transportOf('recv') ?? { transport: await room.createTransport(peer, 'recv', peer.attachedTo!) };
  return (await room.consume(peer, recv.transport.id, producerId, room.rtpCapabilities)).consumer;
}

/** Consumers on `router` of `producerId` (mediasoup's own view). */
async function consumersOf(router: types.Router, producerId: string): Promise<number> {
  const dump = await router.dump();
  return dump.mapProducerIdConsumerIds.find((e) => e.key === producerId)?.values.length ?? 0;
}

describe('RoomMedia across workers', () => {
  it('homes peers on routers on both workers; a producer is piped once per router, shared by concurrent consumers', async () => {
    const a = addPeer(1);
    const b = addPeer(2);
    const c = addPeer(3);
    await room.createTransport(a, 'send', a.attachedTo!);
    await room.createTransport(b, 'recv', b.attachedTo!);
    await room.createTransport(c, 'recv', c.attachedTo!);
    const routers = room.routers();
    expect(new Set(routers.map((r) => r.workerPid)).size).toBe(2);
    expect(new Set(pool.workers.map((w) => w.pid))).toEqual(new Set(routers.map((r) => r.workerPid)));
    const aRouter = room.homeRouter(a)!;
    const bRouter = room.homeRouter(b)!;
    expect(aRouter).not.toBe(bRouter);
    expect(room.homeRouter(c)).toBe(bRouter);
    expect(routers.find((r) => r.routerId === aRouter.id)!.peerIds).toEqual([a.id]);

    const cam = await produce(a, 'camera');
    expect(room.routerFor(cam.id)).toBe(aRouter);
    const [bCons, cCons] = await Promise.all([consume(b, cam.id), consume(c, cam.id)]);
    expect(bCons.producerId).toBe(cam.id);
    expect(cCons.producerId).toBe(cam.id);
    // On A's router: one pipe consumer carries the camera to B's and C's router.
    expect(await consumersOf(aRouter, cam.id)).toBe(1);
    expect(await consumersOf(bRouter, cam.id)).toBe(2);
    // Pipes are not counted as the peers' objects; the camera counts once.
    expect(await room.counts()).toEqual({ peers: 3, transports: 3, producers: 1, consumers: 2 });

    // Closing the producer closes its pipe and, through it, the consumers on the other router.
    const closedConsumers = record('consumerClosed');
    const closedProducers = record('producerClosed');
    cam.close();
    await waitFor(() => (closedConsumers.length === 2 ? true : undefined), 5000);
    expect(closedConsumers.map((e) => e.peer).sort((x, y) => x.userId - y.userId)).toEqual([b, c]);
    expect(closedProducers).toEqual([{ producerId: cam.id, peerId: a.id }]);
    expect(await consumersOf(bRouter, cam.id)).toBe(0);
    expect(await room.counts()).toEqual({ peers: 3, transports: 3, producers: 0, consumers: 0 });

    // A new producer of A: a new pipe, consumed as before.
    const cam2 = await produce(a, 'camera');
    await consume(b, cam2.id);
    expect(await consumersOf(aRouter, cam2.id)).toBe(1);
  });

  it('an external producer (piped in from elsewhere) is consumable from any router without being announced again, and its disposer closes it', async () => {
    const a = addPeer(1);
    const b = addPeer(2);
    await room.createTransport(a, 'recv', a.attachedTo!);
    await room.createTransport(b, 'recv', b.attachedTo!);
    const aRouter = room.homeRouter(a)!;
    const bRouter = room.homeRouter(b)!;
    expect(aRouter).not.toBe(bRouter);
    // Where a caller would bring a producer in: one of the room's routers (no new one needed).
    expect([aRouter, bRouter]).toContain(await room.ingressRouter());
    expect(room.routers()).toHaveLength(2);
    // "Another node": a worker outside the pool, producing through a DirectTransport (a producer
    // id exists once per worker, so it cannot share a worker with the room's routers).
    const foreignWorker = await createWorker({ logLevel: 'warn' });
    onCleanup(() => foreignWorker.close());
    const foreign = await foreignWorker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const direct = await foreign.createDirectTransport();
    const original = await direct.produce({ kind: 'video', rtpParameters: rtp('camera') });
    // It enters the room on B's router (another worker: pipeToRouter keeps the id).
    const { pipeProducer } = await foreign.pipeToRouter({ producerId: original.id, router: bRouter, enableSctp: false });

    const announced = record('newProducer');
    const closed = record('producerClosed');
    const dispose = room.addExternalProducer({ userId: 77, peerId: 'remote-peer', source: 'camera' }, pipeProducer!, bRouter);
    // Its origin announces it to everyone; the room that brings it in must not announce it twice.
    expect(announced).toEqual([]);
    expect(room.producers().map((p) => p.producerId)).toEqual([original.id]);
    expect(room.routerFor(original.id)).toBe(bRouter);
    expect(() => room.addExternalProducer({ userId: 77, peerId: 'x', source: 'camera' }, pipeProducer!, bRouter)).toThrow(
      /already in room/,
    );

    // B consumes it on its own router, A through a pipe from B's router.
    const bCons = await consume(b, original.id);
    const aCons = await consume(a, original.id);
    expect(bCons.closed || aCons.closed).toBe(false);
    expect(await consumersOf(aRouter, original.id)).toBe(1);

    const consumerClosed = record('consumerClosed');
    dispose();
    expect(closed).toEqual([]);
    await waitFor(() => (consumerClosed.length === 2 ? true : undefined), 5000);
    expect(room.producers()).toEqual([]);
    expect(room.routerFor(original.id)).toBeUndefined();
  });

  it('the one active-speaker observer hears an audio producer homed on another worker', async () => {
    const a = addPeer(1);
    await room.createTransport(a, 'recv', a.attachedTo!);
    const aRouter = room.homeRouter(a)!;
    const speakerPid = room.workerPid;
    expect(room.routers().find((r) => r.routerId === aRouter.id)!.workerPid).not.toBe(speakerPid);
    // A talker on A's router (not the speaker observer's): RTP with the ssrc-audio-level extension.
    const direct = await aRouter.createDirectTransport();
    const ssrc = 4242;
    const mic = await direct.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 1 }],
        encodings: [{ ssrc }],
      },
    });
    const speakers = record('activeSpeaker');
    room.addExternalProducer({ userId: 42, peerId: 'talker', source: 'mic' }, mic, aRouter);
    const timer = setInterval(() => {
      for (let i = 0; i < 5; i++) mic.send(loudOpusPacket(ssrc));
    }, 100);
    onCleanup(() => clearInterval(timer));
    await waitFor(() => (speakers.some((s) => s.userId === 42) ? true : undefined), 10_000);

    // The observer's worker dies: a new observer on a live router hears the talker again.
    process.kill(speakerPid, 'SIGKILL');
    await waitFor(() => (room.workerPid !== speakerPid && room.workerPid !== 0 ? true : undefined), 10_000);
    speakers.length = 0;
    await waitFor(() => (speakers.some((s) => s.userId === 42) ? true : undefined), 10_000);
  });

  it('a dead worker resets only the peers homed on it; the others keep their media and can consume again', async () => {
    const a = addPeer(1);
    const b = addPeer(2);
    const c = addPeer(3);
    for (const p of [a, b, c]) await room.createTransport(p, 'send', p.attachedTo!);
    for (const p of [a, b, c]) await room.createTransport(p, 'recv', p.attachedTo!);
    const aMic = await produce(a, 'mic');
    const bMic = await produce(b, 'mic');
    const cMic = await produce(c, 'mic');
    // Everyone consumes everyone (some cross the pipe).
    await consume(a, bMic.id);
    await consume(a, cMic.id);
    await consume(b, aMic.id);
    await consume(b, cMic.id);
    await consume(c, aMic.id);
    await consume(c, bMic.id);
    const aPid = room.routers().find((r) => r.routerId === room.homeRouter(a)!.id)!.workerPid;
    const lost = [a, b, c].filter((p) => room.homeRouter(p) === room.homeRouter(a));
    const kept = [a, b, c].filter((p) => !lost.includes(p));
    expect(kept.length).toBeGreaterThan(0);
    const keptTransports = kept.flatMap((p) => [...p.transports.values()].map((t) => t.transport));

    const resets = record('reset');
    const producerClosed = record('producerClosed');
    const replaced = new Promise((resolve) => pool.once('workerReplaced', resolve));
    process.kill(aPid, 'SIGKILL');
    await waitFor(() => (resets.length === 1 ? true : undefined), 10_000);
    expect(resets[0]!.reason).toBe('workerDied');
    expect(resets[0]!.peers).toEqual(lost);
    for (const p of lost) {
      expect(p.transports.size + p.producers.size + p.consumers.size).toBe(0);
      expect(room.homeRouter(p)).toBeUndefined();
    }
    // The lost peers' producers were announced closed; the kept ones keep everything of their own.
    expect(new Set(producerClosed.map((e) => e.peerId))).toEqual(new Set(lost.map((p) => p.id)));
    for (const t of keptTransports) expect(t.closed).toBe(false);
    for (const p of kept) {
      expect(p.producers.size).toBe(1);
      // Only consumers of kept peers' producers remain.
      for (const consumer of p.consumers.values()) {
        expect(kept.some((q) => q.producers.has(consumer.producerId))).toBe(true);
      }
    }
    expect(room.routers().map((r) => r.workerPid)).not.toContain(aPid);

    // A lost peer starts over: placed on a live router, produces, and is consumed by a kept peer.
    await replaced;
    const again = lost[0]!;
    const mic = await produce(again, 'mic');
    await room.createTransport(again, 'recv', again.attachedTo!);
    await consume(kept[0]!, mic.id);
    await consume(again, kept[0]!.producerOf('mic')!.producer.id);
    expect(room.routers().map((r) => r.workerPid)).not.toContain(aPid);
    expect((await room.counts()).producers).toBe(kept.length + 1);
  });

  it('losing every router: a router is recreated on a replacement worker before the peers are reset', async () => {
    const a = addPeer(1);
    await room.createTransport(a, 'send', a.attachedTo!);
    const b = addPeer(2);
    await room.createTransport(b, 'send', b.attachedTo!);
    const resetPeers: PeerMedia[] = [];
    /** Usable routers of the room at the moment of each reset: the reset peers can rebuild at once. */
    const routersAtReset: number[] = [];
    room.on('reset', ({ peers }) => {
      resetPeers.push(...peers);
      routersAtReset.push(room.routers().length);
    });
    const deadPids = pool.workers.map((w) => w.pid);
    for (const pid of deadPids) process.kill(pid, 'SIGKILL');
    await waitFor(() => (resetPeers.length === 2 ? true : undefined), 20_000);
    expect([...resetPeers].sort((x, y) => x.userId - y.userId)).toEqual([a, b]);
    for (const n of routersAtReset) expect(n).toBeGreaterThanOrEqual(1);
    expect(room.closed).toBe(false);
    await produce(a, 'camera');
    await produce(b, 'camera');
    for (const r of room.routers()) expect(deadPids).not.toContain(r.workerPid);
  });
});

let rtpSeq = 0;
/** One RTP packet (Opus, payload type 100) with a loud ssrc-audio-level (extension id 1, voice). */
function loudOpusPacket(ssrc: number): Buffer {
  const seq = ++rtpSeq;
  const header = Buffer.alloc(12);
  header[0] = 0x90; // V=2, X=1
  header[1] = 100;
  header.writeUInt16BE(seq & 0xffff, 2);
  header.writeUInt32BE((seq * 960) >>> 0, 4);
  header.writeUInt32BE(ssrc, 8);
  // One-byte header extension block: 0xBEDE, one 32-bit word: id 1, length 1, V=1 level 10 dBov.
  const extension = Buffer.from([0xbe, 0xde, 0x00, 0x01, 0x10, 0x80 | 10, 0x00, 0x00]);
  return Buffer.concat([header, extension, Buffer.alloc(40, 0xfc)]);
}
