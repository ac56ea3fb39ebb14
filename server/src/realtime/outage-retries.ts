import type { DependencyState } from '../dependencies/dependency-state.js';
import type { Logger } from '../logging/logger.js';

/**
 * Background work (a disconnected socket's presence cleanup, a grace expiry) that must not be
 * dropped when Redis or the database is down: a failure that says a dependency is down runs the
 * work again after the UNAVAILABLE retry hint, until it succeeds, fails otherwise (logged) or
 * the owner clears the retries at shutdown. The work must be safe to repeat.
 */
export class OutageRetries {
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly dependencies: DependencyState,
    private readonly log: Logger,
  ) {}

  run(work: () => Promise<unknown>, failure: string, context: Record<string, unknown>): void {
    work().catch((err: unknown) => {
      if (!this.dependencies.unavailable(err)) {
        this.log.error({ err, ...context }, failure);
        return;
      }
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.run(work, failure, context);
      }, this.dependencies.retryAfterMs);
      this.#timers.add(timer);
    });
  }

  clear(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
