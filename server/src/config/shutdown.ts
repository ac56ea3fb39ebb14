import { z } from 'zod';
import { intInRange } from './env-fields.js';

/** What a node does on SIGTERM / SIGINT (see server/src/drain). */
export const shutdownEnv = z.object({
  SHUTDOWN_GRACE_MS: intInRange('SHUTDOWN_GRACE_MS', 30_000, 0, 600_000),
});

export const shutdownSection = shutdownEnv.transform((e) => ({
  shutdown: {
    /**
     * How long a stopping node waits for its sockets to move to another node before it closes
     * what is left; 0 stops at once (no drain).
     */
    graceMs: e.SHUTDOWN_GRACE_MS,
  },
}));
