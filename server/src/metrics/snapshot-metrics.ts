import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import { AdminStatsService } from '../admin/admin-stats.service.js';
import { DependencyState } from '../dependencies/dependency-state.js';
import { RealtimeServer } from '../realtime/realtime-server.js';
import { METRICS_REGISTRY } from './metrics-registry.js';

/**
 * Gauges read at scrape time from the latest admin stats snapshot (so a scrape never calls a
 * worker) and from the Socket.IO server. Everything describes this process only.
 */
@Injectable()
export class SnapshotMetrics {
  /** Skipped ticks already added to the counter. */
  #skippedReported = 0;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(AdminStatsService) private readonly stats: AdminStatsService,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(DependencyState) dependencies: DependencyState,
  ) {
    const latest = () => this.stats.latest();
    const registers = [registry];

    new Gauge({
      name: 'minimeet_dependency_up',
      help: 'Whether this process currently reaches the dependency (1) or counts it down (0): db, redis',
      labelNames: ['dependency'],
      registers,
      collect() {
        for (const d of dependencies.configured)
          this.set({ dependency: d }, dependencies.status(d) === 'ok' ? 1 : 0);
      },
    });

    new Gauge({
      name: 'minimeet_socket_connections',
      help: 'Socket.IO connections open on this process',
      registers,
      collect() {
        this.set(realtime.ready ? realtime.io.of('/').sockets.size : 0);
      },
    });

    const count = (
      name: string,
      help: string,
      value: (t: NonNullable<ReturnType<typeof latest>>['totals']) => number,
    ) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const s = latest();
          this.set(s ? value(s.totals) : 0);
        },
      });
    count('minimeet_rooms', 'Rooms with media on this process', (t) => t.rooms);
    count('minimeet_peers', 'Peers (users with media) in those rooms', (t) => t.peers);
    count('minimeet_transports', 'WebRTC transports', (t) => t.transports);

    const byKind = (name: string, help: string, key: 'producers' | 'consumers') =>
      new Gauge({
        name,
        help,
        labelNames: ['kind'],
        registers,
        collect() {
          const s = latest();
          this.set({ kind: 'audio' }, s ? s.totals[key].audio : 0);
          this.set({ kind: 'video' }, s ? s.totals[key].video : 0);
        },
      });
    byKind('minimeet_producers', 'mediasoup producers by kind', 'producers');
    byKind('minimeet_consumers', 'mediasoup consumers by kind', 'consumers');

    new Gauge({
      name: 'minimeet_media_bitrate_bits_per_second',
      help: 'Media bitrate over the last stats interval: in = received from peers (producers), out = sent to peers (consumers)',
      labelNames: ['direction'],
      registers,
      collect() {
        const s = latest();
        this.set({ direction: 'in' }, s ? s.totals.bitrateIn : 0);
        this.set({ direction: 'out' }, s ? s.totals.bitrateOut : 0);
      },
    });

    new Gauge({
      name: 'minimeet_consumer_packet_loss_percent',
      help: 'Packet loss reported by receivers (RTCP) over the consumers on this process, percent: the worst one and the mean, by kind',
      labelNames: ['kind', 'aggregate'],
      registers,
      collect() {
        const loss = { audio: [] as number[], video: [] as number[] };
        for (const room of latest()?.rooms ?? [])
          for (const peer of room.peers) for (const c of peer.consumers) loss[c.kind].push(c.packetLoss);
        for (const kind of ['audio', 'video'] as const) {
          const values = loss[kind];
          const mean = values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0;
          this.set({ kind, aggregate: 'max' }, values.length > 0 ? Math.max(...values) : 0);
          this.set({ kind, aggregate: 'mean' }, mean);
        }
      },
    });

    const perWorker = (
      name: string,
      help: string,
      value: (w: NonNullable<ReturnType<typeof latest>>['workers'][number]) => number,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['pid'],
        registers,
        collect() {
          // Reset so a replaced worker's pid disappears instead of repeating its last value.
          this.reset();
          for (const w of latest()?.workers ?? []) this.set({ pid: String(w.pid) }, value(w));
        },
      });
    perWorker('minimeet_worker_up', '1 when the mediasoup worker is alive', (w) => (w.alive ? 1 : 0));
    perWorker(
      'minimeet_worker_cpu_percent',
      'mediasoup worker CPU over the last stats interval, percent of one core',
      (w) => w.cpuPercent,
    );
    perWorker(
      'minimeet_worker_max_rss_bytes',
      'mediasoup worker maximum resident set size (ru_maxrss)',
      (w) => w.rssBytes,
    );
    perWorker('minimeet_worker_routers', 'Routers on the mediasoup worker', (w) => w.routers);

    new Gauge({
      name: 'minimeet_stats_collection_duration_seconds',
      help: 'How long the last admin stats collection took',
      registers,
      collect() {
        this.set(stats.collectorState.lastDurationMs / 1000);
      },
    });
    const reported = () => this.#skippedReported;
    const markReported = (n: number) => (this.#skippedReported = n);
    new Counter({
      name: 'minimeet_stats_skipped_ticks_total',
      help: 'Stats ticks skipped because the previous collection was still running',
      registers,
      collect() {
        const skipped = stats.collectorState.skippedTicks;
        if (skipped > reported()) this.inc(skipped - reported());
        markReported(skipped);
      },
    });
  }
}
