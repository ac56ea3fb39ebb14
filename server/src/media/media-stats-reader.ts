import type { ProducerLayerStats } from '@minimeet/shared';
import type { types } from 'mediasoup';
import { mapConcurrent, withTimeout } from '../common/concurrency.js';
import type { Direction, PeerTransport, Source } from './peer-media.js';
import type { RoomMedia, RoomRouterInfo } from './room-media.js';
import type { PoolWorker } from './worker-pool.js';

/** One worker's resource usage; null fields when the worker did not answer in time (or is dead). */
export interface WorkerSample {
  pid: number;
  alive: boolean;
  /** ru_utime + ru_stime, milliseconds since the worker started. */
  cpuMs: number | null;
  /** ru_maxrss in bytes (Linux reports KiB). */
  maxRssBytes: number | null;
  routers: number;
}

/** Cumulative RTP counters of one producer or consumer, read at `readAt` (ms, monotonic clock). */
export interface TrafficSample {
  packets: number;
  bytes: number;
  /** mediasoup's own bitrate estimate (bits/s), for cross-checking the byte deltas. */
  mediasoupBitrate: number;
  readAt: number;
}

export interface ProducerSample {
  id: string;
  kind: types.MediaKind;
  source: Source;
  /** e.g. "video/VP8" */
  codec: string;
  paused: boolean;
  /** Highest score over the producer's encodings, 0..10 (0 before the first score event). */
  score: number;
  /** Null when getStats failed or timed out this time. */
  traffic: TrafficSample | null;
  /** Each received encoding (simulcast layer) on its own; null when getStats failed. */
  layers: ProducerLayerStats[] | null;
}

export interface ConsumerSample {
  id: string;
  producerId: string;
  kind: types.MediaKind;
  paused: boolean;
  score: number;
  /** Fraction of packets the receiver reported lost (RTCP RR), 0..1; null when unknown. */
  fractionLost: number | null;
  spatialLayer: number | null;
  traffic: TrafficSample | null;
}

/** One WebRTC transport's state and mediasoup's rate estimates; null stats when getStats failed. */
export interface TransportSample {
  id: string;
  direction: Direction;
  iceState: types.IceState;
  dtlsState: types.DtlsState;
  tuple: types.TransportTuple | null;
  /** Bits per second; null when mediasoup has no estimate (or no stats this time). */
  availableOutgoingBitrate: number | null;
  recvBitrate: number;
  sendBitrate: number;
  /** Of sendBitrate, retransmissions answering NACKs (RTX). */
  rtxSendBitrate: number;
}

export interface PeerSample {
  peerId: string;
  userId: number;
  /** The worker of the peer's home router; null while it has none. */
  workerPid: number | null;
  transports: number;
  transportSamples: TransportSample[];
  producers: ProducerSample[];
  consumers: ConsumerSample[];
}

export interface RoomSample {
  roomId: number;
  workerPid: number;
  routers: RoomRouterInfo[];
  peers: PeerSample[];
}

export interface MediaStatsReaderOptions {
  /** Most mediasoup requests in flight at once over one read. */
  concurrency: number;
  /** A request not answered within this time counts as failed (a hung worker must not stall the caller). */
  callTimeoutMs: number;
  /** Monotonic clock in ms (injectable for tests). */
  now?: () => number;
}

/**
 * Reads raw per-object stats from mediasoup: worker resource usage, every transport's state and
 * bandwidth estimate, and every producer's and consumer's RTP counters (one getStats each). Every request is bounded in time and in concurrency and never
 * rejects. Knows nothing of HTTP, sockets or users; rates are computed by the caller.
 */
export class MediaStatsReader {
  readonly #now: () => number;

  constructor(private readonly options: MediaStatsReaderOptions) {
    this.#now = options.now ?? (() => performance.now());
  }

  async readWorkers(workers: readonly PoolWorker[]): Promise<WorkerSample[]> {
    return mapConcurrent(workers, this.options.concurrency, async (w) => {
      const alive = w.alive;
      const base = { pid: w.pid, alive, routers: w.routers };
      if (!alive) return { ...base, cpuMs: null, maxRssBytes: null };
      try {
        const usage = await withTimeout(
          w.worker.getResourceUsage(),
          this.options.callTimeoutMs,
          'getResourceUsage',
        );
        return { ...base, cpuMs: usage.ru_utime + usage.ru_stime, maxRssBytes: usage.ru_maxrss * 1024 };
      } catch {
        return { ...base, cpuMs: null, maxRssBytes: null };
      }
    });
  }

  async readRooms(rooms: readonly RoomMedia[]): Promise<RoomSample[]> {
    // Every producer and consumer of every room, read through one bounded queue.
    const producerSamples = new Map<string, ProducerSample>();
    const consumerSamples = new Map<string, ConsumerSample>();
    const transportSamples = new Map<string, TransportSample>();
    const jobs: Array<() => Promise<void>> = [];
    const peers = rooms.flatMap((room) => [...room.peers.values()]);
    for (const { producer, source } of peers.flatMap((p) => [...p.producers.values()])) {
      jobs.push(async () => {
        producerSamples.set(producer.id, await this.#readProducer(producer, source));
      });
    }
    for (const entry of peers.flatMap((p) => [...p.transports.values()])) {
      jobs.push(async () => {
        transportSamples.set(entry.transport.id, await this.#readTransport(entry));
      });
    }
    for (const consumer of peers.flatMap((p) => [...p.consumers.values()])) {
      jobs.push(async () => {
        consumerSamples.set(consumer.id, await this.#readConsumer(consumer));
      });
    }
    await mapConcurrent(jobs, this.options.concurrency, (job) => job());

    return rooms.map((room) => ({
      roomId: room.roomId,
      workerPid: room.workerPid,
      routers: room.routers(),
      peers: [...room.peers.values()].map((peer) => ({
        peerId: peer.id,
        userId: peer.userId,
        workerPid: peer.home?.workerPid ?? null,
        transports: peer.transports.size,
        transportSamples: [...peer.transports.keys()].flatMap((id) => transportSamples.get(id) ?? []),
        // Objects created while reading are left for the next read.
        producers: [...peer.producers.keys()].flatMap((id) => producerSamples.get(id) ?? []),
        consumers: [...peer.consumers.keys()].flatMap((id) => consumerSamples.get(id) ?? []),
      })),
    }));
  }

  async #readTransport({ transport, direction }: PeerTransport): Promise<TransportSample> {
    const stat = (await this.#stats(() => transport.getStats()))?.[0];
    // States and tuple come from the transport object (kept current by mediasoup's events), so
    // they are known even when getStats failed; the rates only from getStats.
    return {
      id: transport.id,
      direction,
      iceState: transport.iceState,
      dtlsState: transport.dtlsState,
      tuple: transport.iceSelectedTuple ?? null,
      availableOutgoingBitrate: stat?.availableOutgoingBitrate ?? null,
      recvBitrate: stat?.recvBitrate ?? 0,
      sendBitrate: stat?.sendBitrate ?? 0,
      rtxSendBitrate: stat?.rtxSendBitrate ?? 0,
    };
  }

  async #readProducer(producer: types.Producer, source: Source): Promise<ProducerSample> {
    const stats = await this.#stats(() => producer.getStats());
    return {
      id: producer.id,
      kind: producer.kind,
      source,
      codec: producer.rtpParameters.codecs.find((c) => !/\/rtx$/i.test(c.mimeType))?.mimeType ?? '',
      paused: producer.paused,
      score: producer.score.reduce((max, s) => Math.max(max, s.score), 0),
      // One entry per received encoding (three for simulcast).
      traffic: stats ? this.#sum(stats) : null,
      layers:
        stats?.map((s) => ({
          rid: s.rid ?? null,
          ssrc: s.ssrc,
          packetCount: s.packetCount,
          bitrate: s.bitrate,
        })) ?? null,
    };
  }

  async #readConsumer(consumer: types.Consumer): Promise<ConsumerSample> {
    const stats = await this.#stats(() => consumer.getStats());
    // A consumer's stats hold its outbound stream and, for comparison, the producer's inbound one.
    const outbound = stats?.filter((s) => s.type === 'outbound-rtp') ?? null;
    const first = outbound?.[0];
    return {
      id: consumer.id,
      producerId: consumer.producerId,
      kind: consumer.kind,
      paused: consumer.paused,
      score: consumer.score.score,
      // mediasoup reports RTCP's 8-bit fixed-point fraction (0..255 = 0..~1).
      fractionLost: first ? first.fractionLost / 256 : null,
      spatialLayer: consumer.currentLayers?.spatialLayer ?? null,
      traffic: outbound ? this.#sum(outbound) : null,
    };
  }

  async #stats<S>(read: () => Promise<S[]>): Promise<S[] | null> {
    try {
      return await withTimeout(read(), this.options.callTimeoutMs, 'getStats');
    } catch {
      // Closed meanwhile, worker gone or hung: no counters this time.
      return null;
    }
  }

  #sum(stats: ReadonlyArray<{ packetCount: number; byteCount: number; bitrate: number }>): TrafficSample {
    let packets = 0;
    let bytes = 0;
    let mediasoupBitrate = 0;
    for (const s of stats) {
      packets += s.packetCount;
      bytes += s.byteCount;
      mediasoupBitrate += s.bitrate;
    }
    return { packets, bytes, mediasoupBitrate, readAt: this.#now() };
  }
}
