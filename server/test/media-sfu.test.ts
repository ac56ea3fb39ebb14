/**
 * Issue 4 acceptance: the real built server, real Socket.IO, and Node WebRTC peers
 * (packages/webrtc-peer: mediasoup-client + werift, real ICE/DTLS/SRTP over UDP).
 * One server and one room of four peers run through the scenarios in order (2 cores).
 */
import { ErrorCode, type MediaStatsData } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import {
  closeAllSockets,
  connect,
  createRoom,
  okData,
  rawRequest,
  registerUser,
} from './helpers/chat-client.js';
import { startServer, type ServerProcess } from '@minimeet/test-harness';
import { allReceiving, expectedCounts } from './helpers/peer-streams.js';

const PASSWORD = 'correct horse battery';
/** Lets the worker-kill test read worker pids from /api/health (details are not public). */
const METRICS_TOKEN = 'media-sfu-test-metrics-token';
let server: ServerProcess;
let roomId: number;
const peers: MiniMeetPeer[] = [];
let seq = 0;

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
  return Date.now() - start;
}

async function startPeer(room: number, name = 'peer'): Promise<MiniMeetPeer> {
  const peer = new MiniMeetPeer({
    url: server.url,
    roomId: room,
    username: `${name}_${process.pid % 10000}_${++seq}`,
    password: PASSWORD,
  });
  await peer.start();
  return peer;
}

async function stats(peer: MiniMeetPeer): Promise<MediaStatsData> {
  return peer.request('getMediaStats', { roomId });
}

beforeAll(async () => {
  server = await startServer({
    env: { MEDIASOUP_WORKERS: '1', PRESENCE_GRACE_MS: '3000', AUTH_RATE_LIMIT: '1000', METRICS_TOKEN },
  });
  const owner = await registerUser(server.url, 'owner');
  roomId = (await createRoom(server.url, owner.accessToken, 'sfu', 8)).id;
});

afterAll(async () => {
  for (const p of peers) await p.close();
  closeAllSockets();
  await server?.stop();
});

describe('SFU media path (4 Node WebRTC peers)', () => {
  it('each of 4 peers receives the other three audio + video for 10 s; server consumer stats show bytes', async () => {
    for (let i = 0; i < 4; i++) peers.push(await startPeer(roomId));
    await until(() => allReceiving(peers), 15_000, 'all 12 audio+video pairs flowing');
    for (const p of peers) expect(p.openStreams()).toHaveLength(6);

    // Packets keep flowing on every stream over 10 s.
    const before = peers.map((p) => p.openStreams().map((s) => s.packets));
    for (let t = 0; t < 4; t++) {
      await sleep(2500);
      const since = Date.now() - 1500;
      expect(allReceiving(peers, since)).toBe(true);
    }
    peers.forEach((p, i) =>
      p.openStreams().forEach((s, j) => {
        const gained = s.packets - before[i]![j]!;
        // audio 50 pkt/s, video ≥ 15 pkt/s: well above these floors over 10 s
        expect(gained, `${s.kind} from user ${s.userId}`).toBeGreaterThan(s.kind === 'audio' ? 300 : 100);
      }),
    );

    for (const p of peers) {
      const st = await stats(p);
      expect(st.consumers).toHaveLength(6);
      for (const c of st.consumers) expect(c.byteCount).toBeGreaterThan(10_000);
      for (const pr of st.producers) expect(pr.byteCount).toBeGreaterThan(10_000);
      expect(st.room).toEqual(expectedCounts(peers));
    }
  });

  it('pause/resume of a producer reaches everyone; a paused consumer stops receiving', async () => {
    const [a, b, c, d] = peers as [MiniMeetPeer, MiniMeetPeer, MiniMeetPeer, MiniMeetPeer];
    const micId = a.producers.get('mic')!.id;
    const seen = (p: MiniMeetPeer, ev: 'producerPaused' | 'producerResumed') =>
      new Promise<void>((resolve) =>
        p.on(ev, ({ producerId }) => {
          if (producerId === micId) resolve();
        }),
      );
    const paused = [b, c, d].map((p) => seen(p, 'producerPaused'));
    await a.pauseProducer('mic');
    await Promise.all(paused);
    await sleep(400);
    const streamsOfMic = [b, c, d].map((p) => p.openStreams().find((s) => s.producerId === micId)!);
    for (const s of streamsOfMic) expect(s.producerPaused).toBe(true);
    const frozen = streamsOfMic.map((s) => s.packets);
    await sleep(1000);
    expect(streamsOfMic.map((s) => s.packets)).toEqual(frozen);

    const resumed = [b, c, d].map((p) => seen(p, 'producerResumed'));
    await a.resumeProducer('mic');
    await Promise.all(resumed);
    await until(() => streamsOfMic.every((s, i) => s.packets > frozen[i]! + 10), 3000, 'audio again');

    // B pauses its consumer of A's camera: nothing more arrives on it; others unaffected.
    const camId = a.producers.get('camera')!.id;
    const bCam = b.openStreams().find((s) => s.producerId === camId)!;
    await b.pauseConsumer(bCam.consumerId);
    await sleep(400);
    const bFrozen = bCam.packets;
    const cCam = c.openStreams().find((s) => s.producerId === camId)!;
    const cBefore = cCam.packets;
    await sleep(1000);
    expect(bCam.packets).toBe(bFrozen);
    expect(cCam.packets).toBeGreaterThan(cBefore);
    await b.resumeConsumer(bCam.consumerId);
    await until(() => bCam.packets > bFrozen, 3000, 'camera again after resumeConsumer');
  });

  it('hostile payloads are refused with a code and the server keeps running', async () => {
    const [a, b] = peers as [MiniMeetPeer, MiniMeetPeer];
    const other = await registerUser(server.url, 'other');
    const otherRoom = (await createRoom(server.url, other.accessToken, 'other', 4)).id;
    const outsider = await startPeer(otherRoom, 'outsider');
    try {
      const foreignProducer = outsider.producers.get('camera')!.id;
      const recvId = b.recvTransport!.id;
      const sendId = b.sendTransport!.id;
      const rtpCapabilities = b.device!.rtpCapabilities as never;
      const code = async (event: string, payload: unknown) => {
        const ack = await b.rawRequest(event, payload);
        expect(ack.ok, `${event} ${JSON.stringify(payload).slice(0, 80)}`).toBe(false);
        return ack.ok ? undefined : ack.error.code;
      };

      // another room's producer
      expect(
        await code('consume', { transportId: recvId, producerId: foreignProducer, rtpCapabilities }),
      ).toBe(ErrorCode.PRODUCER_NOT_FOUND);
      // someone else's transport
      const aSend = a.sendTransport!.id;
      expect(
        await code('connectWebRtcTransport', { transportId: aSend, dtlsParameters: { fingerprints: [] } }),
      ).toBe(ErrorCode.TRANSPORT_NOT_FOUND);
      expect(await code('restartIce', { transportId: a.recvTransport!.id })).toBe(
        ErrorCode.TRANSPORT_NOT_FOUND,
      );
      expect(
        await code('produce', {
          transportId: aSend,
          kind: 'video',
          source: 'screen',
          rtpParameters: { codecs: [] },
        }),
      ).toBe(ErrorCode.TRANSPORT_NOT_FOUND);
      // someone else's producer / consumer
      expect(await code('pauseProducer', { producerId: a.producers.get('mic')!.id })).toBe(
        ErrorCode.PRODUCER_NOT_FOUND,
      );
      expect(await code('closeProducer', { producerId: foreignProducer })).toBe(ErrorCode.PRODUCER_NOT_FOUND);
      expect(await code('resumeConsumer', { consumerId: a.openStreams()[0]!.consumerId })).toBe(
        ErrorCode.CONSUMER_NOT_FOUND,
      );
      // bogus rtpParameters / capabilities / shapes
      for (const rtpParameters of [
        { codecs: 'nope' },
        { codecs: [] },
        { codecs: [{ mimeType: 'video/VP8' }] },
      ]) {
        expect(
          await code('produce', { transportId: sendId, kind: 'video', source: 'screen', rtpParameters }),
        ).toBe(ErrorCode.VALIDATION);
      }
      expect(
        await code('produce', { transportId: sendId, kind: 'video', source: 'screen', rtpParameters: 'x' }),
      ).toBe(ErrorCode.VALIDATION);
      expect(
        await code('produce', { transportId: sendId, kind: 'audio', source: 'screen', rtpParameters: {} }),
      ).toBe(ErrorCode.VALIDATION);
      // a second producer for a source already produced
      expect(
        await code('produce', {
          transportId: sendId,
          kind: 'video',
          source: 'camera',
          rtpParameters: { codecs: [] },
        }),
      ).toBe(ErrorCode.CONFLICT);
      expect(
        await code('consume', {
          transportId: recvId,
          producerId: a.producers.get('mic')!.id,
          rtpCapabilities: { codecs: [] },
        }),
      ).toBe(
        ErrorCode.CONFLICT, // already consumed by b
      );
      expect(await code('createWebRtcTransport', { roomId, direction: 'send' })).toBe(ErrorCode.CONFLICT);
      expect(await code('createWebRtcTransport', { roomId: otherRoom, direction: 'recv' })).toBe(
        ErrorCode.NOT_IN_ROOM,
      );
      expect(await code('createWebRtcTransport', { roomId, direction: 'sideways' })).toBe(
        ErrorCode.VALIDATION,
      );
      expect(await code('consume', 'garbage')).toBe(ErrorCode.VALIDATION);
      expect(await code('setConsumerLayers', { consumerId: 'x', spatialLayer: -1 })).toBe(
        ErrorCode.VALIDATION,
      );
      expect(await code('getMediaStats', { roomId: otherRoom })).toBe(ErrorCode.NOT_IN_ROOM);

      // consuming without joining
      const stranger = await registerUser(server.url, 'stranger');
      const socket = await connect(server.url, stranger.accessToken);
      const refused = await rawRequest(socket, 'consume', {
        transportId: recvId,
        producerId: a.producers.get('mic')!.id,
        rtpCapabilities: {},
      });
      expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.TRANSPORT_NOT_FOUND } });
      expect(await rawRequest(socket, 'createWebRtcTransport', { roomId, direction: 'recv' })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.NOT_IN_ROOM },
      });
      socket.close();
    } finally {
      await outsider.close();
    }

    // still serving: health answers and media still flows
    expect((await server.request('/api/health')).status).toBe(200);
    const since = Date.now();
    await until(() => allReceiving(peers, since), 3000, 'media still flowing');
  });

  it('closing a camera producer closes the others’ consumers of it', async () => {
    const [a, ...others] = peers as [MiniMeetPeer, ...MiniMeetPeer[]];
    const camId = a.producers.get('camera')!.id;
    const closedAt = others.map(
      (p) =>
        new Promise<void>((resolve) =>
          p.on('producerClosed', ({ producerId }) => {
            if (producerId === camId) resolve();
          }),
        ),
    );
    await a.closeProducer('camera');
    await Promise.all(closedAt);
    for (const p of others) {
      expect(p.openStreams().some((s) => s.producerId === camId)).toBe(false);
      expect(p.streams.find((s) => s.producerId === camId)?.closed).toBe(true);
    }
    const st = await stats(others[0]!);
    expect(st.room).toEqual(expectedCounts(peers));
  });

  it('a peer leaving leaves nothing behind in the router', async () => {
    const d = peers.pop()!;
    okData({ ok: true, data: await d.request('leaveRoom', { roomId }) });
    await d.close();
    await sleep(200);
    const st = await stats(peers[0]!);
    expect(st.room).toEqual(expectedCounts(peers));
    for (const p of peers) expect(p.openStreams().some((s) => s.userId === d.user.id)).toBe(false);
  });

  it('a socket reconnect within the grace period re-attaches media (ICE restart, producers kept), orphans nothing', async () => {
    const c = peers[2]!;
    const producerIds = [...c.producers.values()].map((p) => p.id);
    const reconnected = new Promise<{ resumed: boolean }>((resolve) => c.once('reconnected', resolve));
    // Drop the underlying connection: socket.io-client reconnects with a new socket id.
    (c.socket.io as unknown as { engine: { close(): void } }).engine.close();
    expect(await reconnected).toEqual({ resumed: true });
    expect(c.iceRestarts).toBeGreaterThanOrEqual(1);
    expect([...c.producers.values()].map((p) => p.id)).toEqual(producerIds);
    const since = Date.now();
    await until(() => allReceiving(peers, since), 5000, 'media after reconnect');
    const st = await stats(peers[0]!);
    expect(st.room).toEqual(expectedCounts(peers));
  });

  it('a killed worker: every peer gets mediaReset and receives media again within 5 s', async () => {
    const detailed = { headers: { authorization: `Bearer ${METRICS_TOKEN}` } };
    const health = (await (await server.request('/api/health', detailed)).json()) as {
      workers: Array<{ pid: number }>;
    };
    const resets = peers.map((p) => new Promise<void>((resolve) => p.once('mediaReset', () => resolve())));
    const killedAt = Date.now();
    for (const w of health.workers) process.kill(w.pid, 'SIGKILL');
    await Promise.all(resets);
    await until(
      () =>
        peers.every((p) => p.mediaResets === 1 && p.producers.size === 2) && allReceiving(peers, killedAt),
      5000 - (Date.now() - killedAt),
      'media again after the worker died',
    );
    expect(Date.now() - killedAt).toBeLessThan(5000);
    const st = await stats(peers[0]!);
    expect(st.room).toEqual(expectedCounts(peers));
    expect((await server.request('/api/health')).status).toBe(200);
  });
});
