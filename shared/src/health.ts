/**
 * GET /api/health (200 when ok, 503 when degraded). Anyone gets `status`; `db`, `redis` and
 * `workers` only with an admin access token or the METRICS_TOKEN (`Authorization: Bearer …`).
 */
export interface HealthResponse {
  status: 'ok' | 'degraded';
  db?: 'ok' | 'down';
  /** Only when the server uses Redis (REDIS_URL). */
  redis?: 'ok' | 'down';
  workers?: WorkerHealth[];
}

export interface WorkerHealth {
  pid: number;
  alive: boolean;
  /** CPU time (user + system) the worker process has used, in milliseconds. */
  cpuMs: number;
}
