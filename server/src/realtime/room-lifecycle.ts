import type { JoinRoomData, RoomDto, UserDto } from '@minimeet/shared';
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
