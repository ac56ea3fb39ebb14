/** Test data for the admin view: snapshots shaped like the server's. */
import type { AdminRoomStats, AdminStatsSnapshot } from '@minimeet/shared';

export const T0 = Date.parse('2026-03-02T10:00:00.000Z');

export function standUpRoom(bitrate = 600_000): AdminRoomStats {
  return {
    id: 5,
    name: 'Stand-up',
    callSessionId: 11,
    workerPid: 4242,
    routers: [
      { workerPid: 4242, routerId: 'r-a', peers: 1 },
      { workerPid: 4243, routerId: 'r-b', peers: 1 },
    ],
    bitrateIn: bitrate + 40_000,
    bitrateOut: bitrate + 40_000,
    peers: [
      {
        userId: 1,
        username: 'alice',
        transports: 2,
        transportStats: [
          { id: 't-send', direction: 'send', iceState: 'completed', dtlsState: 'connected', tuple: { protocol: 'udp', localIp: '10.0.0.2', localPort: 40000, remoteIp: '198.51.100.7', remotePort: 51000 }, availableOutgoingBitrate: null, bitrateIn: 640_000, bitrateOut: 2_000 },
          { id: 't-recv', direction: 'recv', iceState: 'disconnected', dtlsState: 'connected', tuple: { protocol: 'tcp', localIp: '10.0.0.2', localPort: 40000, remoteIp: '198.51.100.7', remotePort: 51001 }, availableOutgoingBitrate: 1_500_000, bitrateIn: 1_000, bitrateOut: 0, retransmitBitrateOut: 24_000 },
        ],
        producers: [
          { id: 'p-cam', kind: 'video', source: 'camera', codec: 'video/VP8', bitrate, score: 10, paused: false, packets: 1200, bytes: 900_000 },
          { id: 'p-mic', kind: 'audio', source: 'mic', codec: 'audio/opus', bitrate: 40_000, score: 4, paused: true, packets: 800, bytes: 60_000 },
        ],
        consumers: [],
      },
      {
        userId: 2,
        username: 'bob',
        transports: 2,
        producers: [],
        consumers: [
          { id: 'c-cam', producerId: 'p-cam', kind: 'video', bitrate, score: 9, packetLoss: 1.5, spatialLayer: 2, paused: false, packets: 1100, bytes: 850_000 },
          { id: 'c-mic', producerId: 'p-mic', kind: 'audio', bitrate: 40_000, score: 10, packetLoss: 0, spatialLayer: null, paused: true, packets: 700, bytes: 50_000 },
        ],
      },
    ],
  };
}

/** The i-th snapshot, 2 s apart, with a worker CPU of 10 + i % and the room's camera at `bitrate`. */
export function snapshot(i: number, opts: { bitrate?: number; rooms?: AdminRoomStats[] } = {}): AdminStatsSnapshot {
  const rooms = opts.rooms ?? [standUpRoom(opts.bitrate ?? 600_000 + i * 1000)];
  const peers = rooms.reduce((n, r) => n + r.peers.length, 0);
  return {
    takenAt: new Date(T0 + i * 2000).toISOString(),
    intervalMs: 2000,
    server: { pid: 100, cpuPercent: 3 + i, rssBytes: 120 * 1024 * 1024, cpuMs: 5000, uptimeSeconds: 60 + i * 2 },
    workers: [{ pid: 4242, alive: true, cpuPercent: 10 + i, cpuMs: 9000, rssBytes: 60 * 1024 * 1024, routers: rooms.length }],
    rooms,
    totals: {
      rooms: rooms.length,
      peers,
      transports: peers * 2,
      producers: { audio: 1, video: 1 },
      consumers: { audio: 1, video: 1 },
      bitrateIn: rooms.reduce((n, r) => n + r.bitrateIn, 0),
      bitrateOut: rooms.reduce((n, r) => n + r.bitrateOut, 0),
      consumerPackets: 1800,
    },
  };
}
