import type { MediaSource, ProducerLayerStats } from './media.js';

/**
 * GET /api/admin/stats and the `admin:stats` Socket.IO event: one snapshot of the SFU, taken by
 * the server on a timer (every ADMIN_STATS_INTERVAL_MS) so a request never fans out into
 * mediasoup calls. Bitrates are bits per second over the interval since the previous snapshot.
 */
export interface AdminStatsSnapshot {
  /** ISO time the snapshot was taken. */
  takenAt: string;
  /** Milliseconds between this snapshot and the previous one (the rate window). */
  intervalMs: number;
  /** The NestJS process itself (signaling, DB, HTTP). */
  server: ServerProcessStats;
  workers: AdminWorkerStats[];
  rooms: AdminRoomStats[];
  totals: AdminTotals;
  /**
   * The cluster's nodes as this node's registry last saw them (just this node without Redis).
   * The server always sends it (optional only so older fixtures still type-check).
   */
  nodes?: AdminNodeStats[];
}

/** One server node of the cluster (see README "Running a cluster"). */
export interface AdminNodeStats {
  /** CLUSTER_NODE_ID */
  id: string;
  /** Address other nodes connect their pipe transports to. */
  pipeAddress: string;
  alive: boolean;
  /**
   * False for a node whose protocol version is incompatible with the snapshot taker's: the two do
   * not work together (a rolling upgrade across a major version). Absent from older servers.
   */
  compatible?: boolean;
  /** The node's PROTOCOL_VERSION ('' from a node older than versions). Absent from older servers. */
  protocolVersion?: string;
  /** True for the node that took this snapshot. */
  self: boolean;
  /** It is stopping (SIGTERM): it takes no new joins and its clients move to other nodes. Absent from older servers. */
  draining?: boolean;
  /** Its CLUSTER_PUBLIC_URL, where clients reach it (absent when not configured). */
  publicUrl?: string;
  /** mediasoup routers + consumers on the node, at its last heartbeat. */
  load: number;
  /** Rooms with media on the node, at its last heartbeat. */
  rooms: number;
  /** ISO time the node (this boot of it) started. */
  startedAt: string;
}

export interface ServerProcessStats {
  pid: number;
  /** CPU (user + system) over the last interval, in percent of one core. */
  cpuPercent: number;
  rssBytes: number;
  /** CPU time used since start, in milliseconds. */
  cpuMs: number;
  uptimeSeconds: number;
}

export interface AdminWorkerStats {
  pid: number;
  alive: boolean;
  /** CPU over the last interval, in percent of one core. */
  cpuPercent: number;
  /** CPU time (user + system) used since the worker started, in milliseconds. */
  cpuMs: number;
  /** Maximum resident set size (ru_maxrss) in bytes. */
  rssBytes: number;
  routers: number;
  /**
   * False when the worker did not answer the last resource-usage request in time (hung or
   * dead): cpuMs and rssBytes are then its last known values and cpuPercent is 0. The server
   * always sends it (optional only so older fixtures still type-check).
   */
  responding?: boolean;
}

export interface AdminRoomStats {
  id: number;
  name: string;
  /** The running call's id (CallSession), null when none is recorded. */
  callSessionId: number | null;
  /** The worker of the room's first router (where its active-speaker observer runs). */
  workerPid: number;
  /**
   * Every router of the room on this server: a room spans workers when its peers spill over
   * (MEDIA_ROUTER_SPILL_LOAD). Sent by servers whose rooms span workers (optional so older
   * snapshots still type-check).
   */
  routers?: AdminRoomRouter[];
  /**
   * Ids of the nodes with users (or users within their grace period) in the room, this one
   * included. The server always sends it (optional only so older fixtures still type-check).
   */
  nodes?: string[];
  /**
   * Cluster: the nodes hosting this room's media as this node sees them — this node with the
   * workers of its routers, then the nodes it exchanges media with over pipes (their workers are
   * in their own snapshots). Absent from servers older than the cluster.
   */
  hosts?: AdminRoomHost[];
  peers: AdminPeerStats[];
  /** Sum over the room's producers / consumers, bits per second. */
  bitrateIn: number;
  bitrateOut: number;
}

/** One router of a room: the worker it runs on and how many of the room's peers are homed there. */
export interface AdminRoomRouter {
  workerPid: number;
  routerId: string;
  /** Peers whose transports, producers and consumers live on this router. */
  peers: number;
}

export interface AdminRoomHost {
  nodeId: string;
  /** Worker pids of the room's routers on that node (known for the reporting node only). */
  workerPids?: number[];
}

export interface AdminPeerStats {
  userId: number;
  username: string;
  /**
   * Pid of the worker whose router the peer's media lives on; null before its first transport.
   * Optional so older snapshots still type-check.
   */
  workerPid?: number | null;
  /** Number of WebRTC transports the peer holds (0..2). */
  transports: number;
  /**
   * One entry per WebRTC transport: connection state, selected path and bandwidth estimate.
   * Sent by servers that read transport stats (optional so older snapshots still type-check).
   */
  transportStats?: AdminTransportStats[];
  producers: AdminProducerStats[];
  consumers: AdminConsumerStats[];
}

/** ICE state of a WebRTC transport, as mediasoup reports it. */
export type AdminIceState = 'new' | 'connected' | 'completed' | 'disconnected' | 'closed';
/** DTLS state of a WebRTC transport, as mediasoup reports it. */
export type AdminDtlsState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

/**
 * The ICE candidate pair in use, seen from the server: `remote` is where the client's packets
 * come from. Whether that address is a TURN relay cannot be known server-side.
 */
export interface AdminTransportTuple {
  protocol: 'udp' | 'tcp';
  localIp: string;
  localPort: number;
  remoteIp: string;
  remotePort: number;
}

export interface AdminTransportStats {
  id: string;
  /** send: the client sends media into it (producers); recv: the server sends (consumers). */
  direction: 'send' | 'recv';
  iceState: AdminIceState;
  dtlsState: AdminDtlsState;
  /** Null until ICE has selected a pair. */
  tuple: AdminTransportTuple | null;
  /**
   * Bandwidth estimate (bits/s) for what the server may send to the client over this transport
   * (transport-cc); null when mediasoup has none (send transports, before the first estimate).
   */
  availableOutgoingBitrate: number | null;
  /** mediasoup's own rate estimates over all of the transport's traffic, bits per second. */
  bitrateIn: number;
  bitrateOut: number;
  /**
   * Of bitrateOut, packets sent again because the client reported them lost (RTX). The server
   * keeps it within a quarter of the estimate, so resends cannot flood a thin link. Optional so
   * older snapshots still type-check.
   */
  retransmitBitrateOut?: number;
}

export interface AdminProducerStats {
  id: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  /** e.g. "video/VP8" */
  codec: string;
  /** Bits per second received from the peer. */
  bitrate: number;
  /** mediasoup producer score 0..10 (the highest over its encodings; 0 when unknown). */
  score: number;
  paused: boolean;
  /** Cumulative packets and bytes received. */
  packets: number;
  bytes: number;
  /**
   * Each encoding (simulcast layer) received so far, with mediasoup's own bitrate: a layer nobody
   * consumes stops arriving once its sender follows `producerLayersWanted`.
   */
  layers?: ProducerLayerStats[];
}

export interface AdminConsumerStats {
  id: string;
  producerId: string;
  kind: 'audio' | 'video';
  /** Bits per second sent to the peer. */
  bitrate: number;
  /** mediasoup consumer score 0..10. */
  score: number;
  /** Fraction of packets lost as reported by the receiver (RTCP), in percent 0..100. */
  packetLoss: number;
  /** Current spatial layer for simulcast/SVC consumers, null otherwise. */
  spatialLayer: number | null;
  paused: boolean;
  /** Cumulative packets and bytes sent. */
  packets: number;
  bytes: number;
}

export interface AdminTotals {
  rooms: number;
  peers: number;
  transports: number;
  producers: { audio: number; video: number };
  consumers: { audio: number; video: number };
  /** Bits per second over all producers / consumers. */
  bitrateIn: number;
  bitrateOut: number;
  /** Cumulative RTP packets sent by every consumer (for CPU-per-packet measurements). */
  consumerPackets: number;
}

/** Ack data of `admin:subscribe`: the latest snapshot (null before the first one is taken). */
export interface AdminSubscribeData {
  intervalMs: number;
  snapshot: AdminStatsSnapshot | null;
}

/** Totals of a snapshot's rooms (servers and the bench baseline count the same way). */
export function adminTotals(rooms: AdminRoomStats[]): AdminTotals {
  const t: AdminTotals = {
    rooms: rooms.length,
    peers: 0,
    transports: 0,
    producers: { audio: 0, video: 0 },
    consumers: { audio: 0, video: 0 },
    bitrateIn: 0,
    bitrateOut: 0,
    consumerPackets: 0,
  };
  for (const r of rooms) {
    t.bitrateIn += r.bitrateIn;
    t.bitrateOut += r.bitrateOut;
    for (const p of r.peers) {
      t.peers++;
      t.transports += p.transports;
      for (const pr of p.producers) t.producers[pr.kind]++;
      for (const c of p.consumers) {
        t.consumers[c.kind]++;
        t.consumerPackets += c.packets;
      }
    }
  }
  return t;
}

/**
 * GET /api/admin/process (admins only): this server process's resources and the objects each of
 * its mediasoup workers really holds, read on request. Meant for watching a long run for leaks
 * (`npm run bench -- --phases soak`): every figure here must stay flat under steady load.
 */
export interface AdminProcessReport {
  /** ISO time the report was taken. */
  takenAt: string;
  server: AdminProcessResources;
  workers: AdminWorkerObjects[];
}

export interface AdminProcessResources {
  pid: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Memory of C++ objects bound to JS objects (buffers included). */
  externalBytes: number;
  /**
   * process.getActiveResourcesInfo() counted by type (e.g. TCPSocketWrap, Timeout, FSReqCallback):
   * what keeps the event loop alive. `Timeout` counts referenced timers only (unref'd ones are
   * invisible to Node's own count).
   */
  activeResources: Record<string, number>;
  /** Socket.IO connections open on this process. */
  sockets: number;
}

/** What one mediasoup worker holds, from worker.dump() and a dump of each of its routers. */
export interface AdminWorkerObjects {
  pid: number;
  alive: boolean;
  /** Null when the worker did not answer in time (or is dead). */
  objects: MediasoupObjectCounts | null;
}

export interface MediasoupObjectCounts {
  routers: number;
  webRtcServers: number;
  /** WebRTC and pipe transports of every router. */
  transports: number;
  producers: number;
  consumers: number;
  dataProducers: number;
  dataConsumers: number;
  rtpObservers: number;
  /** Handlers registered in the worker's channel (one per live object that takes requests). */
  channelRequestHandlers: number;
  channelNotificationHandlers: number;
}
