import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { AdminModule } from '../admin/admin.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { AppMetrics } from './app-metrics.js';
import { HttpRequestObserver } from './http-request-observer.js';
import { createMetricsRegistry, METRICS_REGISTRY } from './metrics-registry.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';
import { SnapshotMetrics } from './snapshot-metrics.js';

/**
 * Prometheus metrics (GET /metrics) on a registry owned by this app, and the HTTP request
 * observer (request id, log line, latency). Global so domain services can count events
 * (e.g. chat messages stored) through AppMetrics.
 */
@Global()
@Module({
  imports: [RealtimeModule, AdminModule],
  controllers: [MetricsController],
  providers: [
    { provide: METRICS_REGISTRY, useFactory: createMetricsRegistry },
    AppMetrics,
    SnapshotMetrics,
    HttpRequestObserver,
    MetricsTokenGuard,
  ],
  exports: [AppMetrics, HttpRequestObserver],
})
export class MetricsModule implements OnApplicationShutdown {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  onApplicationShutdown() {
    this.registry.clear();
  }
}
