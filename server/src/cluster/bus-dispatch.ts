import { ErrorCode, type WireError } from '@minimeet/shared';
import { EventEmitter } from 'node:events';
import { AppError } from '../common/app-error.js';
import type { EventListener, RequestHandler } from './cluster-bus.js';
import type { ClusterEventName, ClusterRequestName } from './cluster-messages.js';

/** Handlers and listeners of one node's bus, shared by the memory and Redis transports. */
export class BusDispatch {
  readonly #handlers = new Map<string, (payload: unknown, from: string) => Promise<unknown>>();
  readonly #events = new EventEmitter();

  constructor() {
    // Every subsystem may listen to the same event; not a leak.
    this.#events.setMaxListeners(0);
  }

  handle<M extends ClusterRequestName>(method: M, handler: RequestHandler<M>): () => void {
    if (this.#handlers.has(method)) throw new Error(`cluster request ${method} already has a handler`);
    const h = handler as (payload: unknown, from: string) => Promise<unknown>;
    this.#handlers.set(method, h);
    return () => {
      if (this.#handlers.get(method) === h) this.#handlers.delete(method);
    };
  }

  on<E extends ClusterEventName>(event: E, listener: EventListener<E>): () => void {
    const l = listener as (payload: unknown, from: string) => void;
    this.#events.on(event, l);
    return () => this.#events.off(event, l);
  }

  /** Runs the handler; failures come back as the wire error shape (never thrown). */
  async answer(
    method: string,
    payload: unknown,
    from: string,
  ): Promise<{ ok: true; result: unknown } | { ok: false; error: WireError }> {
    const handler = this.#handlers.get(method);
    if (!handler) {
      return {
        ok: false,
        error: { code: ErrorCode.MEDIA_UNAVAILABLE, message: `No handler for cluster request ${method}` },
      };
    }
    try {
      return { ok: true, result: await handler(payload, from) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: err.toWire() };
      return {
        ok: false,
        error: { code: ErrorCode.INTERNAL, message: (err as Error)?.message ?? String(err) },
      };
    }
  }

  /** Listener failures are reported to `onError`; one bad listener does not stop the others. */
  deliver(event: string, payload: unknown, from: string, onError: (err: unknown) => void): void {
    for (const l of this.#events.listeners(event)) {
      try {
        (l as (p: unknown, f: string) => void)(payload, from);
      } catch (err) {
        onError(err);
      }
    }
  }

  clear(): void {
    this.#handlers.clear();
    this.#events.removeAllListeners();
  }
}

export function errorFromWire(error: WireError): AppError {
  return new AppError(error.code, error.message, error.details);
}
