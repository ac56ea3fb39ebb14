import { describe, expect, it } from 'vitest';
import type { ConsumerSample, ProducerSample, RoomSample } from '../media/media-stats-reader.js';
import { SnapshotAssembler, type TickSample } from './snapshot-assembler.js';

function producer(bytes: number | null, readAt: number, mediasoupBitrate = 123_000): ProducerSample {
  return {
    id: 'p1',
    kind: 'video',
    source: 'camera',
    codec: 'video/VP8',
    paused: false,
    score: 10,
    traffic: bytes === null ? null : { packets: bytes / 1000, bytes, mediasoupBitrate, readAt },
    layers: null,
  };
}

function consumer(bytes: number, readAt: number): ConsumerSample {
  return {
    id: 'c1',
    producerId: 'p0',
    kind: 'audio',
    paused: false,
    score: 9,
    fractionLost: 64 / 256,
    spatialLayer: null,
    traffic: { packets: bytes / 100, bytes, mediasoupBitrate: 0, readAt },
  };
}

function tick(monoMs: number, rooms: RoomSample[], over: Partial<TickSample> = {}): TickSample {
  return {
    takenAt: new Date(1_800_000_000_000 + monoMs),
    monoMs,
    process: { pid: 7, cpuMicros: monoMs * 100, rssBytes: 50e6, uptimeSeconds: monoMs / 1000 },
    workers: [{ pid: 11, alive: true, cpuMs: monoMs / 4, maxRssBytes: 20e6, routers: rooms.length }],
    rooms,
    roomNames: new Map([[1, 'standup']]),
    callSessionIds: new Map([[1, 42]]),
    usernames: new Map([[5, 'ada']]),
    ...over,
  };
}

const room = (p: ProducerSample[], c: ConsumerSample[] = []): RoomSample[] => [
  {
    roomId: 1,
    workerPid: 11,
    routers: [
      { workerPid: 11, routerId: 'r-11', peerIds: ['x'] },
      { workerPid: 12, routerId: 'r-12', peerIds: [] },
    ],
    peers: [{ peerId: 'x', userId: 5, workerPid: 11, transports: 2, transportSamples: [], producers: p, consumers: c }],
  },
];

describe('SnapshotAssembler', () => {
  it("uses mediasoup's estimate on first sight, then bits per second from byte deltas over the read interval", () => {
    const a = new SnapshotAssembler();
    const s1 = a.assemble(tick(1000, room([producer(10_000, 1000)], [consumer(2_000, 1000)])));
    expect(s1.intervalMs).toBe(0);
    expect(s1.rooms[0]!.peers[0]!.producers[0]!.bitrate).toBe(123_000);
    // 25 000 bytes more in 500 ms = 400 kbit/s; the consumer: 5 000 bytes in 500 ms = 80 kbit/s.
    const s2 = a.assemble(tick(1500, room([producer(35_000, 1500)], [consumer(7_000, 1500)])));
    expect(s2.intervalMs).toBe(500);
    const r = s2.rooms[0]!;
    expect(r).toMatchObject({ id: 1, name: 'standup', callSessionId: 42, workerPid: 11, bitrateIn: 400_000 });
    expect(r.bitrateOut).toBe(80_000);
    expect(r.routers).toEqual([
      { workerPid: 11, routerId: 'r-11', peers: 1 },
      { workerPid: 12, routerId: 'r-12', peers: 0 },
    ]);
    expect(r.peers[0]).toMatchObject({ userId: 5, username: 'ada', workerPid: 11, transports: 2 });
    expect(r.peers[0]!.producers[0]).toMatchObject({ bitrate: 400_000, bytes: 35_000, packets: 35 });
    expect(r.peers[0]!.consumers[0]).toMatchObject({ bitrate: 80_000, packetLoss: 25, score: 9 });
    expect(s2.totals).toMatchObject({
      rooms: 1,
      peers: 1,
      transports: 2,
      producers: { audio: 0, video: 1 },
      consumers: { audio: 1, video: 0 },
      bitrateIn: 400_000,
      bitrateOut: 80_000,
      consumerPackets: 70,
    });
  });

  it('reports each transport: direction, states, the selected tuple and rounded rates', () => {
    const a = new SnapshotAssembler();
    const rooms = room([]);
    rooms[0]!.peers[0]!.transportSamples = [
      {
        id: 't-send',
        direction: 'send',
        iceState: 'new',
        dtlsState: 'new',
        tuple: null,
        availableOutgoingBitrate: null,
        recvBitrate: 0,
        sendBitrate: 0,
        rtxSendBitrate: 0,
      },
      {
        id: 't-recv',
        direction: 'recv',
        iceState: 'completed',
        dtlsState: 'connected',
        tuple: {
          protocol: 'tcp',
          localIp: '10.0.0.1',
          localAddress: '203.0.113.1',
          localPort: 40000,
          remoteIp: '198.51.100.7',
          remotePort: 51234,
        },
        availableOutgoingBitrate: 812_345.6,
        recvBitrate: 12_000.4,
        sendBitrate: 640_000.7,
        rtxSendBitrate: 31_999.6,
      },
    ];
    const [send, recv] = a.assemble(tick(1000, rooms)).rooms[0]!.peers[0]!.transportStats!;
    expect(send).toEqual({
      id: 't-send',
      direction: 'send',
      iceState: 'new',
      dtlsState: 'new',
      tuple: null,
      availableOutgoingBitrate: null,
      bitrateIn: 0,
      bitrateOut: 0,
      retransmitBitrateOut: 0,
    });
    expect(recv).toEqual({
      id: 't-recv',
      direction: 'recv',
      iceState: 'completed',
      dtlsState: 'connected',
      tuple: {
        protocol: 'tcp',
        localIp: '10.0.0.1',
        localPort: 40000,
        remoteIp: '198.51.100.7',
        remotePort: 51234,
      },
      availableOutgoingBitrate: 812_346,
      bitrateIn: 12_000,
      bitrateOut: 640_001,
      retransmitBitrateOut: 32_000,
    });
  });

  it('a failed read keeps the last counters with bitrate 0; the next read spans the whole gap', () => {
    const a = new SnapshotAssembler();
    a.assemble(tick(1000, room([producer(10_000, 1000)])));
    const missed = a.assemble(tick(1500, room([producer(null, 0)])));
    expect(missed.rooms[0]!.peers[0]!.producers[0]).toMatchObject({ bitrate: 0, bytes: 10_000 });
    const back = a.assemble(tick(2000, room([producer(60_000, 2000)])));
    // 50 000 bytes over 1000 ms
    expect(back.rooms[0]!.peers[0]!.producers[0]!.bitrate).toBe(400_000);
  });

  it('forgets objects that are gone: a producer seen again starts from its first-sight estimate', () => {
    const a = new SnapshotAssembler();
    a.assemble(tick(1000, room([producer(10_000, 1000)])));
    expect(a.assemble(tick(1500, [])).rooms).toEqual([]);
    const again = a.assemble(tick(2000, room([producer(90_000, 2000, 7_000)])));
    expect(again.rooms[0]!.peers[0]!.producers[0]!.bitrate).toBe(7_000);
  });

  it('CPU percent of one core: the server since start at first, then per interval; workers from their deltas', () => {
    const a = new SnapshotAssembler();
    // cpuMicros = monoMs * 100 → 0.1 ms CPU per ms = 10 %; worker cpuMs = monoMs / 4 → 25 %.
    const s1 = a.assemble(tick(1000, []));
    expect(s1.server).toMatchObject({ pid: 7, cpuPercent: 10, cpuMs: 100, rssBytes: 50e6 });
    expect(s1.workers[0]).toMatchObject({
      pid: 11,
      cpuPercent: 0,
      cpuMs: 250,
      rssBytes: 20e6,
      alive: true,
      responding: true,
    });
    const s2 = a.assemble(tick(3000, []));
    expect(s2.server.cpuPercent).toBe(10);
    expect(s2.workers[0]!.cpuPercent).toBe(25);
    // A worker that did not answer: 0 % this time, its last values kept (and used as the baseline).
    const s3 = a.assemble(
      tick(4000, [], { workers: [{ pid: 11, alive: true, cpuMs: null, maxRssBytes: null, routers: 0 }] }),
    );
    expect(s3.workers[0]).toMatchObject({ cpuPercent: 0, cpuMs: 750, rssBytes: 20e6, responding: false });
    expect(a.assemble(tick(5000, [])).workers[0]!.cpuPercent).toBe(25);
  });

  it('unknown names fall back visibly instead of failing the snapshot', () => {
    const a = new SnapshotAssembler();
    const s = a.assemble(
      tick(1000, room([]), { roomNames: new Map(), callSessionIds: new Map(), usernames: new Map() }),
    );
    expect(s.rooms[0]).toMatchObject({ name: '', callSessionId: null });
    expect(s.rooms[0]!.peers[0]!.username).toBe('user#5');
  });
});
