import { ErrorCode, type Ack, type WireError } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { AppSocket } from './socket-types.js';

/**
 * Runs a socket handler body and always produces an Ack: AppErrors become their wire error,
 * anything else is logged and answered INTERNAL. Nothing thrown reaches Socket.IO.
 */
export async function respond<T>(
  log: Logger,
  context: AckLogContext,
  work: () => Promise<T>,
  onError?: (error: WireError) => void,
): Promise<Ack<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (err) {
    let error: WireError;
    if (err instanceof AppError) {
      error = err.toWire();
      log.debug({ ...context, code: error.code }, 'socket request refused');
    } else {
      error = { code: ErrorCode.INTERNAL, message: 'Internal server error' };
      log.error({ ...context, err }, 'socket handler failed');
    }
    onError?.(error);
    return { ok: false, error };
  }
}

/** Log context of one socket request. */
export interface AckLogContext {
  event: string;
  userId: number;
  socketId: string;
  /** The room the request is about, when its payload names one. */
  roomId?: number;
}

/** Log context of one socket request; `raw` (the untrusted payload) contributes its roomId when it has a plausible one. */
export function ackContext(socket: AppSocket, event: string, raw?: unknown): AckLogContext {
  const context: AckLogContext = { event, userId: socket.data.user.id, socketId: socket.id };
  const roomId = typeof raw === 'object' && raw !== null ? (raw as { roomId?: unknown }).roomId : undefined;
  if (typeof roomId === 'number' && Number.isSafeInteger(roomId) && roomId > 0) context.roomId = roomId;
  return context;
}

/** Handlers acting in a room call this first: the socket must have joined it (NOT_IN_ROOM). */
export function assertJoined(socket: AppSocket, roomId: number): void {
  if (!socket.data.joinedRooms.has(roomId)) {
    throw new AppError(ErrorCode.NOT_IN_ROOM, `Join room ${roomId} on this connection first`);
  }
}
