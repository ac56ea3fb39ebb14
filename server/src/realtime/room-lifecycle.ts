import type { JoinRoomData, RoomDto, UserDto } from '@minimeet/shared';
import { EventEmitter } from 'node:events';
import type { Logger } from '../logging/logger.js';
import type { AppSocket } from './socket-types.js';

/**
 * Extension points of the room session for other features (e.g. SFU signaling) so they can
 * live in their own gateway/service without editing the join/leave flow.
 */

/** Context a join contributor gets once the socket is in the room. */
export interface JoinContext {
  socket: AppSocket;
  user: UserDto;
  room: RoomDto;
}

/**
 * Adds fields to the joinRoom result (e.g. routerRtpCapabilities, producers). Runs in the
 * room's serial queue after the core join; throwing undoes the join and fails the ack.
 */
export type JoinContributor = (ctx: JoinContext) => Promise<Partial<JoinRoomData>>;

export type SocketLeftReason = 'leave' | 'disconnect' | 'roomDeleted' | 'shutdown' | 'removed' | 'callEnded';

/** A socket is no longer in a room (the user may still be present through other tabs or grace). */
export interface SocketLeftEvent {
  roomId: number;
  userId: number;
  socketId: string;
  reason: SocketLeftReason;
}

/** A user is no longer present (explicit leave of the last tab, or grace period expired). */
export interface UserLeftEvent {
  roomId: number;
  userId: number;
}

export interface RoomLifecycleEvents {
  socketLeft: SocketLeftEvent;
  userLeft: UserLeftEvent;
  roomClosed: { roomId: number };
}

/** The room session's listeners and join contributors; a failing listener is logged, not thrown. */
export class RoomLifecycleHub {
  private readonly emitter = new EventEmitter();
  readonly contributors = new Set<JoinContributor>();

  constructor(private readonly log: Logger) {}

  addContributor(contributor: JoinContributor): () => void {
    this.contributors.add(contributor);
    return () => this.contributors.delete(contributor);
  }

  on<E extends keyof RoomLifecycleEvents>(
    event: E,
    listener: (payload: RoomLifecycleEvents[E]) => void,
  ): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit<E extends keyof RoomLifecycleEvents>(event: E, payload: RoomLifecycleEvents[E]): void {
    try {
      this.emitter.emit(event, payload);
    } catch (err) {
      this.log.error({ err, event }, 'room lifecycle listener failed');
    }
  }

  clear(): void {
    this.emitter.removeAllListeners();
    this.contributors.clear();
  }
}
