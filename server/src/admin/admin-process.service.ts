import { Inject, Injectable } from '@nestjs/common';
import type { AdminProcessReport } from '@minimeet/shared';
import { readWorkerObjects } from '../media/worker-object-reader.js';
import { WorkerPool } from '../media/worker-pool.js';
import { RealtimeServer } from '../realtime/realtime-server.js';

/** A worker or router dump slower than this counts as no answer for this report. */
const DUMP_TIMEOUT_MS = 2000;
/** Most dumps in flight at once. */
const DUMP_CONCURRENCY = 4;

/**
 * The process report behind GET /api/admin/process: this process's memory, what keeps its event
 * loop alive, its sockets, and the objects each mediasoup worker holds. Read on request (it is
 * for watching a long run, not a dashboard feed); concurrent requests share one reading, so
 * asking often never multiplies the worker dumps.
 */
@Injectable()
export class AdminProcessService {
  #inFlight: Promise<AdminProcessReport> | undefined;

  constructor(
    @Inject(WorkerPool) private readonly pool: WorkerPool,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
  ) {}

  report(): Promise<AdminProcessReport> {
    this.#inFlight ??= this.#take().finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  async #take(): Promise<AdminProcessReport> {
    const workers = await readWorkerObjects(this.pool.workers, {
      callTimeoutMs: DUMP_TIMEOUT_MS,
      concurrency: DUMP_CONCURRENCY,
    });
    const memory = process.memoryUsage();
    const activeResources: Record<string, number> = {};
    for (const type of process.getActiveResourcesInfo())
      activeResources[type] = (activeResources[type] ?? 0) + 1;
    return {
      takenAt: new Date().toISOString(),
      server: {
        pid: process.pid,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        externalBytes: memory.external,
        activeResources,
        sockets: this.realtime.ready ? this.realtime.io.of('/').sockets.size : 0,
      },
      workers,
    };
  }
}
