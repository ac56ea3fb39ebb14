/**
 * NodePipes (cross-node media, mediasoup side) without Nest or a cluster: two routers stand for
 * two nodes' rooms (on two workers), each with its own NodePipes, joined by an SRTP pipe pair over 127.0.0.1.
 */
import { createWorker, types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_CODECS } from '../src/media/media-codecs.js';
import { NodePipes } from '../src/media/node-pipes.js';
import { waitFor } from '@minimeet/test-harness';

const ROOM = 7;
/** Two workers: producer ids are unique per worker, and the pipe reuses the id on the other node. */
let workerA: types.Worker;
let workerB: types.Worker;

beforeAll(async () => {
  workerA = await createWorker({ logLevel: 'warn' });
  workerB = await createWorker({ logLevel: 'warn' });
});
afterAll(() => {
  workerA?.close();
  workerB?.close();
});

function pipes(): NodePipes {
  const min = 45_500 + Math.floor(Math.random() * 90);
  return new NodePipes({
    listenIp: '127.0.0.1',
    announcedAddress: '127.0.0.1',
    minPort: min,
    maxPort: min + 9,
  });
}

/** Node "a" (the lower id) opens its end, "b" answers with its own, both connect. */
async function pair(a: NodePipes, routerA: types.Router, b: NodePipes, routerB: types.Router) {
  const endA = await a.open(ROOM, 'b', routerA);
  const endB = await b.open(ROOM, 'a', routerB);
  await b.connect(ROOM, 'a', endA);
  await a.connect(ROOM, 'b', endB);
  return { endA, endB };
}

/** An Opus producer on a DirectTransport, so the test can write RTP into it. */
async function directAudioProducer(router: types.Router) {
  const direct = await router.createDirectTransport();
  const producer = await direct.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
      encodings: [{ ssrc: 1111 }],
    },
    appData: { userId: 5, source: 'mic' },
  });
  let seq = 0;
  const send = () => {
    const rtp = Buffer.alloc(12 + 20);
    rtp[0] = 0x80;
    rtp[1] = 100;
    rtp.writeUInt16BE(++seq & 0xffff, 2);
    rtp.writeUInt32BE(seq * 960, 4);
    rtp.writeUInt32BE(1111, 8);
    producer.send(rtp);
  };
  return { direct, producer, send };
}

describe('NodePipes', () => {
  it('pipes a producer under its own id over SRTP; pause, resume and close follow it', async () => {
    const routerA = await workerA.createRouter({ mediaCodecs: MEDIA_CODECS });
    const routerB = await workerB.createRouter({ mediaCodecs: MEDIA_CODECS });
    const a = pipes();
    const b = pipes();
    const { endA, endB } = await pair(a, routerA, b, routerB);
    expect(endA.srtpParameters.keyBase64.length).toBeGreaterThan(0);
    expect(endB.srtpParameters.keyBase64.length).toBeGreaterThan(0);

    const { producer, send } = await directAudioProducer(routerA);
    const events: string[] = [];
    const params = await a.sendProducer(
      ROOM,
      'b',
      { producerId: producer.id, appData: producer.appData },
      {
        onPause: () => events.push('pause'),
        onResume: () => events.push('resume'),
        onClose: () => events.push('close'),
        onUnpiped: () => events.push('unpiped'),
      },
    );
    const piped = await b.receiveProducer(ROOM, 'a', params);
    expect(piped.id).toBe(producer.id);
    expect(piped.appData).toEqual({ userId: 5, source: 'mic' });
    expect(routerB.canConsume({ producerId: producer.id, rtpCapabilities: routerB.rtpCapabilities })).toBe(
      true,
    );
    expect(a.idle(ROOM, 'b')).toBe(false);

    // RTP written on node A arrives on node B's pipe producer (through SRTP).
    const timer = setInterval(send, 20);
    try {
      await waitFor(async () => {
        const stats = await piped.getStats();
        return stats.some((s) => s.packetCount > 5) ? true : undefined;
      }, 10_000);
    } finally {
      clearInterval(timer);
    }

    await producer.pause();
    await producer.resume();
    producer.close();
    await waitFor(() => (events.length === 4 ? true : undefined), 5000);
    expect(events).toEqual(['pause', 'resume', 'close', 'unpiped']);
    // The origin's pipe consumer went with its producer; the receiver closes its copy on the relay.
    b.receivedProducer(ROOM, 'a', params.producerId)?.close();
    expect(a.idle(ROOM, 'b')).toBe(true);
    expect(b.idle(ROOM, 'a')).toBe(true);
    routerA.close();
    routerB.close();
  });

  it('closing the pipes to a node closes its piped producers; a closed router forgets its pipes', async () => {
    const routerA = await workerA.createRouter({ mediaCodecs: MEDIA_CODECS });
    const routerB = await workerB.createRouter({ mediaCodecs: MEDIA_CODECS });
    const a = pipes();
    const b = pipes();
    await pair(a, routerA, b, routerB);
    const { producer } = await directAudioProducer(routerA);
    const params = await a.sendProducer(
      ROOM,
      'b',
      { producerId: producer.id, appData: {} },
      {
        onPause: () => undefined,
        onResume: () => undefined,
        onClose: () => undefined,
        onUnpiped: () => undefined,
      },
    );
    const piped = await b.receiveProducer(ROOM, 'a', params);
    expect(b.nodesOf(ROOM)).toEqual(['a']);

    expect(b.closeNode('a')).toEqual([ROOM]);
    expect(piped.closed).toBe(true);
    expect(b.has(ROOM, 'a')).toBe(false);
    expect(b.nodesOf(ROOM)).toEqual([]);

    expect(a.has(ROOM, 'b')).toBe(true);
    routerA.close();
    expect(a.has(ROOM, 'b')).toBe(false);
    expect(a.nodesOf(ROOM)).toEqual([]);
    routerB.close();
  });
});
