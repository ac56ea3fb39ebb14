/**
 * GET /api/health. Anyone gets `status`; `db` and `workers` only with an admin access token or
 * the METRICS_TOKEN (`Authorization: Bearer …`).
 */
export interface HealthResponse {
  status: 'ok' | 'degraded';
  db?: 'ok' | 'down';
  workers?: WorkerHealth[];
}

export interface WorkerHealth {
  pid: number;
  alive: boolean;
  /** CPU time (user + system) the worker process has used, in milliseconds. */
  cpuMs: number;
}
