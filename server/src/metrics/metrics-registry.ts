import { collectDefaultMetrics, Registry } from 'prom-client';

/** Injection token of this app's Prometheus registry (never prom-client's global default one). */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** A registry with the Node.js process metrics (CPU, memory, event loop, GC) of this server. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
