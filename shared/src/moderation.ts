import { IsIn, IsInt, Min } from 'class-validator';
import type { RoomDto } from './rooms.js';

/*
 * Live moderation by a room's owner and admins, over Socket.IO (everyone else gets FORBIDDEN).
 * Room settings (visibility, lock, invite link, bans) are REST: see rooms.ts.
 */

/** The sources a moderator can mute (screen shares are stopped by removing the user). */
export type MutableSource = 'mic' | 'camera';
export const MUTABLE_SOURCES: readonly MutableSource[] = ['mic', 'camera'];

/** Socket `muteParticipant`: pauses the user's producer of that source in the room. */
export class MuteParticipantRequest {
  @IsInt()
  @Min(1)
  roomId!: number;

  @IsInt()
  @Min(1)
  userId!: number;

  @IsIn(MUTABLE_SOURCES)
  source!: MutableSource;
}

/** Socket `removeParticipant`: every socket of the user leaves; they stay out until let back. */
export class RemoveParticipantRequest {
  @IsInt()
  @Min(1)
  roomId!: number;

  @IsInt()
  @Min(1)
  userId!: number;
}

/** Socket `endCall`: everyone leaves, the call session ends, the room stays. */
export class EndCallRequest {
  @IsInt()
  @Min(1)
  roomId!: number;
}

export interface ParticipantActionData {
  roomId: number;
  userId: number;
}

export interface MuteParticipantData extends ParticipantActionData {
  source: MutableSource;
}

export interface EndCallData {
  roomId: number;
}

/** Who did it, so the affected user can be told ("… by alice"). */
export interface ModeratorRef {
  byUserId: number;
  byUsername: string;
}

/** To the muted user's sockets in the room. They may unmute themselves (resumeProducer). */
export interface ModeratorMutedEvent extends ModeratorRef {
  roomId: number;
  source: MutableSource;
}

/** To the removed user's sockets, which are no longer in the room. */
export interface RemovedFromRoomEvent extends ModeratorRef {
  roomId: number;
  reason: 'removed';
}

/** To everyone in the room, who is then no longer in it. */
export interface CallEndedEvent extends ModeratorRef {
  roomId: number;
}

/** To everyone in the room when its visibility or lock changes. */
export interface RoomUpdatedEvent {
  room: RoomDto;
}
