import { z } from 'zod';
import { intInRange, port } from './env-fields.js';

/** The server process and what it serves over HTTP: listen address, logs (level, format), static client, admin stats, /metrics. */
export const httpEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port('PORT', 3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  TRUST_PROXY: intInRange('TRUST_PROXY', 0, 0, 10),
  CLIENT_DIST_DIR: z.string().optional(),
  ADMIN_STATS_INTERVAL_MS: intInRange('ADMIN_STATS_INTERVAL_MS', 2000, 100, 60_000),
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,256}$/, 'METRICS_TOKEN must be 16-256 printable characters without spaces')
    .optional(),
});

export const httpSection = httpEnv.transform((e) => ({
  nodeEnv: e.NODE_ENV,
  host: e.HOST,
  port: e.PORT,
  logLevel: e.LOG_LEVEL,
  /** `auto`: lines for people when stdout is a terminal, JSON lines otherwise. */
  logFormat: e.LOG_FORMAT,
  /** Reverse-proxy hops in front of the server whose X-Forwarded-For is trusted (0: none). */
  trustProxy: e.TRUST_PROXY,
  clientDistDir: e.CLIENT_DIST_DIR,
  /** How often the admin stats snapshot (GET /api/admin/stats, admin:stats, /metrics gauges) is taken. */
  adminStatsIntervalMs: e.ADMIN_STATS_INTERVAL_MS,
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken: e.METRICS_TOKEN,
}));

export type HttpConfig = z.output<typeof httpSection>;
