import { IsBoolean, IsInt, Min } from 'class-validator';
import type { Participant } from './rooms.js';

/*
 * Webinar stage (issue 19): a host brings an attendee on stage (it becomes a speaker and may
 * publish) and sends it back (an attendee again; the server closes its producers at once). The
 * role change reaches everyone as participantsDelta `changed`.
 */

/**
 * Socket `setStage` (the room's hosts only: FORBIDDEN for everyone else). CONFLICT in a meeting
 * or for a host; NOT_IN_ROOM when the user is not in the call; ROOM_FULL when bringing on stage
 * would put more than the room's maxParticipants on it.
 */
export class SetStageRequest {
  @IsInt()
  @Min(1)
  roomId!: number;

  @IsInt()
  @Min(1)
  userId!: number;

  @IsBoolean()
  onStage!: boolean;
}

/** Answer of setStage: the participant with its role now. */
export interface SetStageData {
  roomId: number;
  participant: Participant;
}
