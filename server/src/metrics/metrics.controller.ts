import { Controller, Get, Inject, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics-registry.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';

/** The part of the platform response this controller touches. */
interface HeaderSettable {
  setHeader(name: string, value: string): unknown;
}

/** GET /metrics (outside /api): Prometheus text format. */
@ApiExcludeController()
@Controller('metrics')
@UseGuards(MetricsTokenGuard)
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  async scrape(@Res({ passthrough: true }) res: HeaderSettable): Promise<string> {
    const body = await this.registry.metrics();
    res.setHeader('Content-Type', this.registry.contentType);
    return body;
  }
}
