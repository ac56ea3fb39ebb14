/**
 * GET /api/health (200 when ok, 503 when degraded). Anyone gets `status`; `db`, `redis` and
 * `workers` only with an admin access token or the METRICS_TOKEN (`Authorization: Bearer …`).
 */
export interface HealthResponse {
  /** `draining`: the node is stopping (SIGTERM) and takes no new clients (503, like `degraded`). */
  status: 'ok' | 'degraded' | 'draining';
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
