import { z } from 'zod';
import { intInRange } from './env-fields.js';

/** Redis: presence, the Socket.IO adapter and the cluster registry (unset: one process, in memory). */
export const redisEnv = z.object({
  REDIS_URL: z.string().optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'REDIS_KEY_PREFIX must be 1-64 of [A-Za-z0-9_.:-]')
    .default('minimeet'),
  PRESENCE_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  REDIS_COMMAND_TIMEOUT_MS: intInRange('REDIS_COMMAND_TIMEOUT_MS', 2000, 100, 60_000),
});

export const redisSection = redisEnv.transform((e) => ({
  redisUrl: e.REDIS_URL,
  /** Namespaces Redis keys and adapter channels, so deployments (or test runs) can share a Redis. */
  redisKeyPrefix: e.REDIS_KEY_PREFIX,
  /** How long a disconnected user (or the users of a dead node) stays in the room. */
  presenceGraceMs: e.PRESENCE_GRACE_MS,
  /**
   * A Redis command not answered within this fails (UNAVAILABLE to the client) instead of
   * waiting for the whole outage.
   */
  redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
}));
