import { z } from 'zod';
import { intInRange } from './env-fields.js';

/** How the server answers while the database or Redis is down (see server/src/dependencies). */
export const dependenciesEnv = z.object({
  DEPENDENCY_RETRY_AFTER_MS: intInRange('DEPENDENCY_RETRY_AFTER_MS', 2000, 100, 60_000),
  DEPENDENCY_ANSWER_DEADLINE_MS: intInRange('DEPENDENCY_ANSWER_DEADLINE_MS', 2500, 500, 60_000),
});

export const dependenciesSection = dependenciesEnv.transform((e) => ({
  dependencies: {
    /** `retryAfterMs` (and HTTP Retry-After) of an UNAVAILABLE answer. */
    retryAfterMs: e.DEPENDENCY_RETRY_AFTER_MS,
    /**
     * A request still unanswered after this has the database and Redis probed: if one is down
     * (hung: connections open, nothing answers) it answers UNAVAILABLE instead of waiting.
     */
    answerDeadlineMs: e.DEPENDENCY_ANSWER_DEADLINE_MS,
  },
}));
