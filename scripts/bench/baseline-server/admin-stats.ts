import {
  adminTotals,
  type AdminConsumerStats,
  type AdminPeerStats,
  type AdminProducerStats,
  type AdminRoomStats,
  type AdminStatsSnapshot,
  type AdminWorkerStats,
} from '@minimeet/shared';
import type { types } from 'mediasoup';
import type { Directory } from './directory.js';
import type { BaselineMedia } from './media.js';

interface Previous {
  at: number;
  serverCpuMs: number;
  workerCpuMs: Map<number, number>;
  bytes: Map<string, number>;
}

/**
 * The same figures as MiniMeet's GET /api/admin/stats, measured the same way: worker CPU from
 * worker.getResourceUsage(), packets and bytes from producer/consumer getStats(), one snapshot
 * per interval on a timer. The benchmark reads worker cpuMs and totals.consumerPackets.
 */
export class AdminStats {
  #latest: AdminStatsSnapshot | null = null;
  #previous: Previous | undefined;
  #timer: NodeJS.Timeout | undefined;
  #taking: Promise<AdminStatsSnapshot> | undefined;

  constructor(
    private readonly media: BaselineMedia,
    private readonly directory: Directory,
    readonly intervalMs: number,
    /** Called with every snapshot taken on the timer (admin:stats subscribers). */
    private readonly onSnapshot: (snapshot: AdminStatsSnapshot) => void = () => undefined,
  ) {}

  start(): void {
    const tick = () => {
      void this.take()
        .then(this.onSnapshot)
        .catch((err: unknown) => console.error('[baseline] stats snapshot failed:', err))
        .finally(() => {
          this.#timer = setTimeout(tick, this.intervalMs);
        });
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  /** The latest snapshot (one is taken now when there is none yet). */
  async latest(): Promise<AdminStatsSnapshot> {
    return this.#latest ?? this.take();
  }

  take(): Promise<AdminStatsSnapshot> {
    this.#taking ??= this.#snapshot().finally(() => (this.#taking = undefined));
    return this.#taking;
  }

  async #snapshot(): Promise<AdminStatsSnapshot> {
    const now = Date.now();
    const prev = this.#previous;
    const windowMs = prev ? now - prev.at : 0;
    const rate = (deltaBytes: number) => (windowMs > 0 ? Math.round((deltaBytes * 8 * 1000) / windowMs) : 0);
    const bytes = new Map<string, number>();

    const workers: AdminWorkerStats[] = await Promise.all(
      this.media.workers.map(async ({ worker }) => {
        const usage = await worker.getResourceUsage();
        const cpuMs = usage.ru_utime + usage.ru_stime;
        const before = prev?.workerCpuMs.get(worker.pid);
        return {
          pid: worker.pid,
          alive: !worker.closed && !worker.died,
          cpuMs,
          cpuPercent: before !== undefined && windowMs > 0 ? ((cpuMs - before) / windowMs) * 100 : 0,
          rssBytes: usage.ru_maxrss * 1024,
          routers: this.#routersOn(worker),
        };
      }),
    );

    const rooms: AdminRoomStats[] = [];
    for (const room of this.media.rooms.values()) {
      const peers: AdminPeerStats[] = [];
      for (const peer of room.peers.values()) {
        const producers: AdminProducerStats[] = await Promise.all(
          [...peer.producers.values()].map(async ({ producer, source }) => {
            const stats = await producer.getStats().catch(() => []);
            const sum = sumStats(stats);
            bytes.set(producer.id, sum.bytes);
            return {
              id: producer.id,
              kind: producer.kind,
              source,
              codec: producer.rtpParameters.codecs[0]?.mimeType ?? '',
              bitrate: rate(sum.bytes - (prev?.bytes.get(producer.id) ?? sum.bytes)),
              score: Math.max(0, ...producer.score.map((s) => s.score)),
              paused: producer.paused,
              packets: sum.packets,
              bytes: sum.bytes,
            };
          }),
        );
        const consumers: AdminConsumerStats[] = await Promise.all(
          [...peer.consumers.values()].map(async (consumer) => {
            const stats = (await consumer.getStats().catch(() => [])).filter(
              (s) => s.type === 'outbound-rtp',
            );
            const sum = sumStats(stats);
            bytes.set(consumer.id, sum.bytes);
            const lost = stats[0] && 'fractionLost' in stats[0] ? Number(stats[0].fractionLost) : 0;
            return {
              id: consumer.id,
              producerId: consumer.producerId,
              kind: consumer.kind,
              bitrate: rate(sum.bytes - (prev?.bytes.get(consumer.id) ?? sum.bytes)),
              score: consumer.score.score,
              packetLoss: (lost / 256) * 100,
              spatialLayer: consumer.currentLayers?.spatialLayer ?? null,
              paused: consumer.paused,
              packets: sum.packets,
              bytes: sum.bytes,
            };
          }),
        );
        peers.push({
          userId: peer.userId,
          username:
            this.directory.participants(room.roomId).find((p) => p.userId === peer.userId)?.username ?? '',
          transports: peer.transports.size,
          producers,
          consumers,
        });
      }
      rooms.push({
        id: room.roomId,
        name: this.directory.roomName(room.roomId),
        callSessionId: null,
        workerPid: room.worker.worker.pid,
        peers,
        bitrateIn: peers.reduce((s, p) => s + p.producers.reduce((t, x) => t + x.bitrate, 0), 0),
        bitrateOut: peers.reduce((s, p) => s + p.consumers.reduce((t, x) => t + x.bitrate, 0), 0),
      });
    }

    const usage = process.cpuUsage();
    const serverCpuMs = (usage.user + usage.system) / 1000;
    const snapshot: AdminStatsSnapshot = {
      takenAt: new Date(now).toISOString(),
      intervalMs: windowMs,
      server: {
        pid: process.pid,
        cpuPercent: prev && windowMs > 0 ? ((serverCpuMs - prev.serverCpuMs) / windowMs) * 100 : 0,
        rssBytes: process.memoryUsage.rss(),
        cpuMs: serverCpuMs,
        uptimeSeconds: Math.round(process.uptime()),
      },
      workers,
      rooms,
      totals: adminTotals(rooms),
    };
    this.#previous = {
      at: now,
      serverCpuMs,
      workerCpuMs: new Map(workers.map((w) => [w.pid, w.cpuMs])),
      bytes,
    };
    this.#latest = snapshot;
    return snapshot;
  }

  #routersOn(worker: types.Worker): number {
    let n = 0;
    for (const room of this.media.rooms.values()) if (room.worker.worker === worker) n++;
    return n;
  }
}

function sumStats(stats: Array<{ packetCount: number; byteCount: number }>) {
  let packets = 0;
  let bytes = 0;
  for (const s of stats) {
    packets += s.packetCount;
    bytes += s.byteCount;
  }
  return { packets, bytes };
}
