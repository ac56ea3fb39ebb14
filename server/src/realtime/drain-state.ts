import { Injectable } from '@nestjs/common';
import { ErrorCode, type ConnectionRefusedData } from '@minimeet/shared';
import type { ExtendedError } from 'socket.io';
import { AppError } from '../common/app-error.js';

/** What a client refused by a draining node is told to wait before trying again (ms). */
export const DRAINING_RETRY_AFTER_MS = 1000;

/**
 * Whether this node is draining (stopping after SIGTERM, see ../drain): it takes no new joins
 * and no new sockets, and what its sockets leave behind is handed to the other nodes. Set once;
 * a draining node never takes work again (it stops).
 */
@Injectable()
export class DrainState {
  #since: number | undefined;

  get draining(): boolean {
    return this.#since !== undefined;
  }

  begin(): void {
    this.#since ??= Date.now();
  }

  /** The refusal of anything new while draining (joins, handshakes). */
  refusal(what: string): AppError {
    return new AppError(
      ErrorCode.UNAVAILABLE,
      `This server is restarting: ${what} elsewhere (reconnect; another server takes over)`,
      { retryAfterMs: DRAINING_RETRY_AFTER_MS },
    );
  }
}

/**
 * Handshake middleware: a draining node takes no new sockets. connect_error UNAVAILABLE with
 * ConnectionRefusedData; the client tries again after `retryAfterMs` (a load balancer then sends
 * it to another node).
 */
export function refuseHandshakesWhileDraining(drain: DrainState) {
  return (_socket: unknown, next: (err?: ExtendedError) => void) => {
    if (!drain.draining) return next();
    const { code, message } = drain.refusal('connect');
    const data: ConnectionRefusedData = {
      code: ErrorCode.UNAVAILABLE,
      message,
      draining: true,
      retryAfterMs: DRAINING_RETRY_AFTER_MS,
    };
    next(Object.assign(new Error(code), { data }));
  };
}
