import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { HealthResponse } from '@minimeet/shared';
import { HealthService } from './health.service.js';

/** The part of the platform response this controller touches. */
interface StatusSettable {
  status(code: number): unknown;
}

@Controller('health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  /** 200 when the database answers and every media worker is alive, 503 otherwise. */
  @Get()
  async get(@Res({ passthrough: true }) res: StatusSettable): Promise<HealthResponse> {
    const report = await this.health.check();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
