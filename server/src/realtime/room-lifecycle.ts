import type { JoinRoomData, RoomDto, UserDto } from '@minimeet/shared';
import { EventEmitter } from 'node:events';
import type { Logger } from '../logging/logger.js';
import type { Room } from '../rooms/room.entity.js';
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

/** Who asks to join, once the access checks (ban, visibility, lock, guests) let them. */
export interface JoinGateContext {
  socket: AppSocket;
  user: UserDto;
  room: Room;
}

/**
 * Holds joiners at the door (the lobby): `check` runs in the room's serial queue after the access
 * checks and before the joiner takes a place, and throws to hold or refuse them. A held socket
 * stays connected; `release` (also in the room's queue) lets it go when it sends leaveRoom or
 * disconnects, and answers whether it was held there.
 */
export interface JoinGate {
  check(ctx: JoinGateContext): Promise<void>;
  /** Rooms this gate holds the socket at (its disconnect releases each). */
  heldRooms(socket: AppSocket): number[];
  release(socket: AppSocket, roomId: number): Promise<boolean>;
}

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
  /** Nobody is present any more: the call is over. */
  roomEmpty: boolean;
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
  readonly gates = new Set<JoinGate>();

  constructor(private readonly log: Logger) {}

  addContributor(contributor: JoinContributor): () => void {
    this.contributors.add(contributor);
    return () => this.contributors.delete(contributor);
  }

  addGate(gate: JoinGate): () => void {
    this.gates.add(gate);
    return () => this.gates.delete(gate);
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
    this.gates.clear();
  }
}
