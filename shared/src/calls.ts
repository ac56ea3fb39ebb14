import { IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { QueryInt } from './transforms.js';

/** Participants one call carries in GET /api/admin/calls by default, and at most per page. */
export const CALL_PARTICIPANTS_DEFAULT_LIMIT = 100;
export const CALL_PARTICIPANTS_MAX_LIMIT = 500;

export interface CallParticipantDto {
  userId: number;
  username: string;
  joinedAt: string;
  /** Null while the participant is still in the call. */
  leftAt: string | null;
}

/**
 * One call: from the first person joining an empty room to the last one leaving. A user who
 * leaves and comes back appears once per stay.
 */
export interface CallSessionDto {
  id: number;
  roomId: number;
  roomName: string;
  startedAt: string;
  endedAt: string | null;
  /** Null while the call is running. */
  durationMs: number | null;
  peakParticipants: number;
  /** The first `participantLimit` stays, oldest first. */
  participants: CallParticipantDto[];
  /**
   * Present when the call has more stays than listed: pass it as `cursor` to
   * GET /api/admin/calls/:id/participants for the next page.
   */
  participantsCursor?: string;
}

/** GET /api/admin/calls */
export interface CallSessionsResponse {
  calls: CallSessionDto[];
}

/** Query of GET /api/admin/calls: calls that started in [from, to]. */
export class CallSessionsQuery {
  @IsOptional()
  @IsISO8601()
  from?: string;

  @IsOptional()
  @IsISO8601()
  to?: string;

  /** Stays listed per call (default CALL_PARTICIPANTS_DEFAULT_LIMIT). */
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(CALL_PARTICIPANTS_MAX_LIMIT)
  participantLimit?: number;
}

/** Query of GET /api/admin/calls/:id/participants. */
export class CallParticipantsQuery {
  /** Opaque: a `participantsCursor` or `nextCursor` from an earlier answer. */
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  cursor?: number;

  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(CALL_PARTICIPANTS_MAX_LIMIT)
  limit?: number;
}

/** GET /api/admin/calls/:id/participants: one page of a call's stays, oldest first. */
export interface CallParticipantsPage {
  participants: CallParticipantDto[];
  /** Present when there are more: the `cursor` of the next page. */
  nextCursor?: string;
}
