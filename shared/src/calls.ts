import { IsISO8601, IsOptional } from 'class-validator';

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
  participants: CallParticipantDto[];
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
}
