import { Inject, Injectable } from '@nestjs/common';
import type { HealthResponse } from '@minimeet/shared';
import { DataSource } from 'typeorm';
import { WorkerPool } from '../media/worker-pool.js';

/** A DB that does not answer `SELECT 1` within this time counts as down. */
const DB_PING_TIMEOUT_MS = 1500;

@Injectable()
export class HealthService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(WorkerPool) private readonly pool: WorkerPool,
  ) {}

  async check(): Promise<Required<HealthResponse>> {
    const [db, workers] = await Promise.all([this.pingDb(), this.pool.state()]);
    const status = db === 'ok' && workers.length > 0 && workers.every((w) => w.alive) ? 'ok' : 'degraded';
    return { status, db, workers };
  }

  private async pingDb(): Promise<Required<HealthResponse>['db']> {
    if (!this.dataSource.isInitialized) return 'down';
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), DB_PING_TIMEOUT_MS);
        }),
      ]);
      return 'ok';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  }
}
