import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { MediaJoinData } from './media.js';
import { Trim } from './transforms.js';

export const ROOM_NAME_MAX = 64;
export const ROOM_MIN_PARTICIPANTS = 2;
export const ROOM_MAX_PARTICIPANTS = 16;
export const ROOM_DEFAULT_PARTICIPANTS = 8;

export interface RoomDto {
  id: number;
  name: string;
  ownerId: number;
  maxParticipants: number;
  /** Users present now (each user once, however many tabs). */
  participantCount: number;
  createdAt: string;
}

export interface Participant {
  userId: number;
  username: string;
}

/** POST /api/rooms */
export class CreateRoomRequest {
  @Trim()
  @IsString()
  @Length(1, ROOM_NAME_MAX)
  name!: string;

  @IsOptional()
  @IsInt()
  @Min(ROOM_MIN_PARTICIPANTS)
  @Max(ROOM_MAX_PARTICIPANTS)
  maxParticipants?: number;
}

/** Socket `joinRoom`. */
export class JoinRoomRequest {
  @IsInt()
  @Min(1)
  roomId!: number;
}

/** Socket `leaveRoom`. */
export class LeaveRoomRequest {
  @IsInt()
  @Min(1)
  roomId!: number;
}

/**
 * Result of `joinRoom`. Other features (SFU signaling) add their own fields here; the server
 * merges them in through join contributors, so this stays one object.
 */
export interface JoinRoomData extends Partial<MediaJoinData> {
  room: RoomDto;
  participants: Participant[];
}

export interface LeaveRoomData {
  roomId: number;
}
