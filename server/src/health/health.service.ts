import { Inject, Injectable } from '@nestjs/common';
import type { HealthResponse } from '@minimeet/shared';
import { DependencyState } from '../dependencies/dependency-state.js';
import { WorkerPool } from '../media/worker-pool.js';

export type HealthReport = Required<Pick<HealthResponse, 'status' | 'db' | 'workers'>> &
  Pick<HealthResponse, 'redis'>;

@Injectable()
export class HealthService {
  constructor(
    @Inject(DependencyState) private readonly dependencies: DependencyState,
    @Inject(WorkerPool) private readonly pool: WorkerPool,
  ) {}

  /**
   * Asks the database (and Redis, when used) now, each bounded by DependencyState's probe
   * timeout: a failed answer starts an outage there (logged once), a good one ends it.
   */
  async check(): Promise<HealthReport> {
    const [deps, workers] = await Promise.all([this.dependencies.check(), this.pool.state()]);
    const db = deps.db ?? 'down';
    const dependenciesOk = Object.values(deps).every((s) => s === 'ok');
    const status = dependenciesOk && workers.length > 0 && workers.every((w) => w.alive) ? 'ok' : 'degraded';
    return deps.redis ? { status, db, redis: deps.redis, workers } : { status, db, workers };
  }
}
