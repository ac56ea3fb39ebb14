import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { HealthResponse } from '@minimeet/shared';
import { DrainState } from '../realtime/drain-state.js';
import { HealthAccess } from './health-access.js';
import { HealthService } from './health.service.js';

/** The part of the platform response this controller touches. */
interface StatusSettable {
  status(code: number): unknown;
}

@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthService) private readonly health: HealthService,
    @Inject(HealthAccess) private readonly access: HealthAccess,
    @Inject(DrainState) private readonly drain: DrainState,
  ) {}

  /**
   * 200 when the database (and Redis, when used) answers and every media worker is alive, 503
   * otherwise, and 503 `draining` while the node stops (a load balancer then sends nobody new to
   * it). Which dependency is down and the worker details (pids, CPU) only for an admin token or the
   * metrics token.
   */
  @Get()
  async get(
    @Res({ passthrough: true }) res: StatusSettable,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<HealthResponse> {
    const [report, detailed] = await Promise.all([
      this.health.check(),
      this.access.mayReadDetails(authorization),
    ]);
    const status: HealthResponse['status'] = this.drain.draining ? 'draining' : report.status;
    res.status(status === 'ok' ? 200 : 503);
    return detailed ? { ...report, status } : { status };
  }
}
