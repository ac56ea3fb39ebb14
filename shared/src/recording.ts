import { IsIn, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { QueryInt } from './transforms.js';

/*
 * Recording (issue 21). A moderator starts and stops it; every producer of the room is captured
 * per track without transcoding; after stop the server builds one composite file (grid of the
 * video, active speaker emphasized, all audio mixed) from the tracks. Files live in the storage
 * layer (STORAGE_URL), under `recordings/<id>/`.
 */

/** Socket `startRecording` / `stopRecording` (the room's moderators only: FORBIDDEN for everyone else). */
export class RecordingRoomRequest {
  @IsInt()
  @Min(1)
  roomId!: number;
}

/** Who started a recording. */
export interface RecordingActor {
  userId: number;
  username: string;
}

/**
 * Socket `recordingState`, to everyone in the room whenever recording starts or stops, and in the
 * join answer (`JoinRoomData.recording`) for those who join later. Also the answer of
 * startRecording / stopRecording.
 */
export interface RecordingStateEvent {
  roomId: number;
  recording: boolean;
  /** The recording in progress (or the one just stopped); null when none ever ran in this call. */
  recordingId: number | null;
  /** ISO 8601; null when not recording. */
  startedAt: string | null;
  /** null when not recording. */
  by: RecordingActor | null;
}

export type RecordingStatus = 'recording' | 'processing' | 'ready' | 'failed';
export type RecordingTrackKind = 'audio' | 'video' | 'screen';

/** One captured track of a recording: one producer's media, possibly in several segments. */
export interface RecordingTrackDto {
  /** Pass as `?track=` to GET /api/recordings/:id/download. */
  id: string;
  userId: number;
  username: string;
  kind: RecordingTrackKind;
  /** A pause, resume, producer replacement or recorder restart starts a new segment. */
  segments: number;
  /** From the recording's start to the track's first segment. */
  startOffsetMs: number;
  /** Sum of its segments' durations. */
  durationMs: number;
  sizeBytes: number;
}

/** GET /api/rooms/:id/recordings (newest first), GET /api/recordings/:id. */
export interface RecordingDto {
  id: number;
  roomId: number;
  state: RecordingStatus;
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601; null while recording. */
  stoppedAt: string | null;
  /** Of the recording (stop − start); 0 while recording. */
  durationMs: number;
  /** The composite file; 0 until ready. */
  sizeBytes: number;
  startedBy: RecordingActor;
  /** Why it failed (state 'failed'); null otherwise. */
  error: string | null;
  tracks: RecordingTrackDto[];
}

/**
 * Who may list and download a room's recordings: its moderators (owner, admins) only, or every
 * member of the room too. A room setting (`RoomDto.recordingAccess`, PATCH by moderators).
 */
export type RecordingAccess = 'moderators' | 'members';
export const RECORDING_ACCESS_VALUES: readonly RecordingAccess[] = ['moderators', 'members'];

/**
 * GET /api/recordings/:id/download?track=<RecordingTrackDto.id>[&segment=N] (no track: the
 * composite). A track's segments are separate files (a pause or a restart splits it): `segment`
 * picks one (0-based, default 0; `RecordingTrackDto.segments` says how many).
 */
export class RecordingDownloadQuery {
  @IsOptional()
  @IsString()
  @Length(1, 64)
  track?: string;

  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  segment?: number;
}

/** `?access=` values a test or client may pass when changing the room setting. */
export const isRecordingAccess = (value: unknown): value is RecordingAccess =>
  typeof value === 'string' && (RECORDING_ACCESS_VALUES as readonly string[]).includes(value);

/** Validation decorator for the room setting (used by UpdateRoomRequest). */
export const IsRecordingAccess = () => IsIn(RECORDING_ACCESS_VALUES);
