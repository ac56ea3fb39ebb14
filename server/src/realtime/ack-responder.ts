import { Inject, Injectable } from '@nestjs/common';
import type { Ack, ErrorCode } from '@minimeet/shared';
import { DependencyState } from '../dependencies/dependency-state.js';
import type { Logger } from '../logging/logger.js';
import { respond, type AckLogContext } from './ack.js';

/** How one socket request ended. */
export interface AckOutcome {
  event: string;
  ok: boolean;
  /** The refusal's code when not ok. */
  code: ErrorCode | null;
  durationMs: number;
}

export type AckObserver = (outcome: AckOutcome) => void;

/**
 * `respond` (see ack.ts) with timing: gateways answer through this injectable so observers
 * (metrics) see every request's outcome and duration, and errors that say the database or
 * Redis is down answer UNAVAILABLE (see DependencyState). One per app, no global state.
 */
@Injectable()
export class AckResponder {
  readonly #observers = new Set<AckObserver>();

  constructor(@Inject(DependencyState) private readonly dependencies: DependencyState) {}

  /** Returns the function that removes the observer. */
  observe(observer: AckObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  async respond<T>(
    log: Logger,
    context: AckLogContext,
    work: () => Promise<T>,
    onError?: Parameters<typeof respond>[3],
  ): Promise<Ack<T>> {
    const started = performance.now();
    // A database or Redis failure is a retryable UNAVAILABLE, not INTERNAL; so is a request
    // stuck on a hung one.
    const guarded = () =>
      this.dependencies.withinDeadline(work()).catch((err: unknown) => {
        throw this.dependencies.unavailable(err) ?? err;
      });
    const ack = await respond(log, context, guarded, onError);
    const durationMs = performance.now() - started;
    if (ack.ok) log.debug({ ...context, ms: Math.round(durationMs * 10) / 10 }, 'socket request');
    const outcome: AckOutcome = {
      event: context.event,
      ok: ack.ok,
      code: ack.ok ? null : ack.error.code,
      durationMs,
    };
    for (const observer of this.#observers) {
      try {
        observer(outcome);
      } catch (err) {
        log.error({ err, event: context.event }, 'ack observer failed');
      }
    }
    return ack;
  }
}
