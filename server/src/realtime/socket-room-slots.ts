import { ErrorCode } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import type { AppSocket } from './socket-types.js';

/**
 * MAX_ROOMS_PER_SOCKET: the rooms a socket is in plus those it is joining right now. Joins of
 * different rooms run in different queues, so a slot is taken before queueing.
 */
export class SocketRoomSlots {
  private readonly joining = new WeakMap<AppSocket, Set<number>>();

  constructor(private readonly max: number) {}

  /** Takes a slot for `roomId` (LIMIT_EXCEEDED when none is left); the returned function frees it. */
  reserve(socket: AppSocket, roomId: number): () => void {
    let joining = this.joining.get(socket);
    if (!joining) this.joining.set(socket, (joining = new Set()));
    const taken = new Set([...socket.data.joinedRooms, ...joining]);
    if (!taken.has(roomId) && taken.size >= this.max) {
      throw new AppError(
        ErrorCode.LIMIT_EXCEEDED,
        `A connection can be in at most ${this.max} rooms at once`,
      );
    }
    if (joining.has(roomId)) return () => undefined;
    joining.add(roomId);
    return () => joining.delete(roomId);
  }
}
