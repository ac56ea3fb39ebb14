import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { RaisedHand } from './engagement.js';
import type { MediaJoinData } from './media.js';
import { Trim } from './transforms.js';
import { LOBBY_MODES, type LobbyEntry, type LobbyMode } from './lobby.js';
import { IsRecordingAccess, type RecordingAccess, type RecordingStateEvent } from './recording.js';

export const ROOM_NAME_MAX = 64;
export const ROOM_MIN_PARTICIPANTS = 2;
/**
 * The most a room's maxParticipants can ever be on the wire. A server allows up to its own
 * ROOM_MAX_PARTICIPANTS_LIMIT (default 200, at most this), shown by GET /api/rooms/limits;
 * beyond it a create or update is refused VALIDATION.
 */
export const ROOM_MAX_PARTICIPANTS_CEILING = 10_000;
/** maxParticipants of a room created without one. */
export const ROOM_DEFAULT_PARTICIPANTS = 8;
/** Most participants in one page of loadParticipants (a server's page size is at most this). */
export const PARTICIPANTS_PAGE_MAX = 500;

/**
 * Public rooms are listed for everyone and open to any signed-in user; private rooms are listed
 * only for their owner, admins and members, and joined with the room's current invite token.
 * To anyone else a private room answers exactly like a missing one (NOT_FOUND) on every REST
 * route and socket event.
 */
export type RoomVisibility = 'public' | 'private';
export const ROOM_VISIBILITIES: readonly RoomVisibility[] = ['public', 'private'];
/** Longest invite token accepted on the wire (the server issues 43-character tokens). */
export const INVITE_TOKEN_MAX = 128;

/**
 * A meeting lets everyone publish. In a webinar only hosts (the room's owner and admins) and the
 * speakers a host brought on stage publish; everyone else joins as an attendee who only receives.
 * In a webinar `maxParticipants` bounds the stage (hosts + speakers); attendees are admitted up
 * to the server's WEBINAR_MAX_ATTENDEES.
 */
export type RoomKind = 'meeting' | 'webinar';
export const ROOM_KINDS: readonly RoomKind[] = ['meeting', 'webinar'];

/**
 * What a participant may do in the call: hosts moderate and publish, speakers publish, attendees
 * only receive (createWebRtcTransport send and produce answer NOT_ON_STAGE). In a meeting every
 * non-host is a speaker.
 */
export type ParticipantRole = 'host' | 'speaker' | 'attendee';

export interface RoomDto {
  id: number;
  name: string;
  ownerId: number;
  maxParticipants: number;
  visibility: RoomVisibility;
  /**
   * Locked rooms admit no new joiners (present users may stay and reconnect). Sent only to those
   * who could join: a RoomDto reaches nobody who may not see the room.
   */
  locked: boolean;
  /**
   * New joiners (other than the owner and admins) start with their microphone off: when a joiner's
   * first producer in the room is the microphone the server starts it paused; they may unmute
   * themselves (resumeProducer).
   */
  joinMuted: boolean;
  /** People without an account may join by link (POST /api/auth/guest). Off by default. */
  allowGuests: boolean;
  /** 'meeting' unless created (or changed while nobody is in the call) as a webinar. */
  kind: RoomKind;
  /** Who waits in the lobby until a moderator admits them ('off' by default; lobby.ts). */
  lobby: LobbyMode;
  /** Who may list and download the room's recordings ('moderators' by default; recording.ts). */
  recordingAccess: RecordingAccess;
  /** A recording of the call is running now (shown before joining). */
  recording: boolean;
  /** Users present now (each user once, however many tabs). */
  participantCount: number;
  createdAt: string;
}

export interface Participant {
  userId: number;
  username: string;
  /** Changes (setStage) reach the room as participantsDelta `changed`. */
  role: ParticipantRole;
  /** Joined by link without an account: show the name with a "(guest)" mark. */
  guest?: true;
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
  @Max(ROOM_MAX_PARTICIPANTS_CEILING)
  maxParticipants?: number;

  /** Default 'public'. */
  @IsOptional()
  @IsIn(ROOM_VISIBILITIES)
  visibility?: RoomVisibility;

  /** Default 'meeting'. */
  @IsOptional()
  @IsIn(ROOM_KINDS)
  kind?: RoomKind;
}

/** GET /api/rooms/limits: what this server accepts as a room's maxParticipants. */
export interface RoomLimitsDto {
  minParticipants: number;
  /** This server's ROOM_MAX_PARTICIPANTS_LIMIT. */
  maxParticipants: number;
  /** What a room created without maxParticipants gets. */
  defaultParticipants: number;
}

/** PATCH /api/rooms/:id (owner or admin): change what is given. Everyone in the room gets roomUpdated. */
export class UpdateRoomRequest {
  /**
   * Up to the server's limit. Lowering it below the users present removes nobody: it only
   * turns new joiners away (ROOM_FULL) until the room is under it again.
   */
  @IsOptional()
  @IsInt()
  @Min(ROOM_MIN_PARTICIPANTS)
  @Max(ROOM_MAX_PARTICIPANTS_CEILING)
  maxParticipants?: number;

  @IsOptional()
  @IsIn(ROOM_VISIBILITIES)
  visibility?: RoomVisibility;

  @IsOptional()
  @IsBoolean()
  locked?: boolean;

  @IsOptional()
  @IsBoolean()
  joinMuted?: boolean;

  @IsOptional()
  @IsBoolean()
  allowGuests?: boolean;

  /** Only while nobody is in the call (else CONFLICT): roles are given at join. */
  @IsOptional()
  @IsIn(ROOM_KINDS)
  kind?: RoomKind;

  /** Turning it 'off' admits everyone waiting. */
  @IsOptional()
  @IsIn(LOBBY_MODES)
  lobby?: LobbyMode;

  @IsOptional()
  @IsRecordingAccess()
  recordingAccess?: RecordingAccess;
}

/** GET /api/rooms/:id/invite and POST /api/rooms/:id/invite/rotate (owner or admin). */
export interface RoomInviteDto {
  roomId: number;
  /** Pass as joinRoom's inviteToken; the client's link is /rooms/:id?invite=<token>. */
  inviteToken: string;
}

/** GET /api/rooms/:id/bans (owner or admin): users removed and kept out until let back. */
export interface RoomBanDto {
  roomId: number;
  userId: number;
  username: string;
  byUserId: number;
  createdAt: string;
}

/** Socket `joinRoom`. */
export class JoinRoomRequest {
  @IsInt()
  @Min(1)
  roomId!: number;

  /**
   * Required for private rooms unless the caller is already a member, the owner or an admin;
   * without it (or with a wrong one) a private room answers NOT_FOUND, like a missing room.
   */
  @IsOptional()
  @IsString()
  @Length(1, INVITE_TOKEN_MAX)
  inviteToken?: string;
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
 *
 * Who is present comes once, paged: `participants` is the first page of the snapshot (ordered
 * by userId) and `participantsCursor` asks `loadParticipants` for the next one (null: that was
 * all). From the join on, the socket gets `participantsDelta` events, never the whole list
 * again. A client applies each delta as it comes, pages or not (see ParticipantsDeltaEvent).
 */
export interface JoinRoomData extends Partial<MediaJoinData> {
  room: RoomDto;
  participants: Participant[];
  participantsCursor: number | null;
  /** The raised hands, in order (engagement.ts; then kept current by `handQueue`). */
  hands?: RaisedHand[];
  /** True when this socket joins muted (room.joinMuted, caller not a moderator): start with the mic off. */
  joinMuted?: boolean;
  /** The caller's role in the call ('attendee': receive only until brought on stage). Always sent since 2.1. */
  role?: ParticipantRole;
  /** Whether the call is being recorded now (then kept current by `recordingState`). Sent since 2.3. */
  recording?: RecordingStateEvent;
  /** To moderators only: who waits in the lobby now (then kept current by `lobbyUpdate`). Sent since 2.3. */
  lobbyWaiting?: LobbyEntry[];
}

/**
 * GET /api/rooms/:id/preview, for the pre-join screen: the room, the first users present (up to
 * PREVIEW_PARTICIPANTS_MAX, ordered by userId) and whether it is recorded. Answered to anyone who
 * may join the room (as joinRoom would check visibility: a private room without membership or
 * invite is 404 like a missing one; `?invite=` is accepted). Being shown the preview admits nobody.
 */
export interface RoomPreviewDto {
  room: RoomDto;
  participants: Participant[];
  /** All users present (participants may be fewer). */
  participantCount: number;
}
export const PREVIEW_PARTICIPANTS_MAX = 12;

/** Query of GET /api/rooms/:id/preview. */
export class RoomPreviewQuery {
  /** The room's invite token (opens a private room's preview like its join). */
  @IsOptional()
  @IsString()
  @Length(1, INVITE_TOKEN_MAX)
  invite?: string;
}

/** Socket `loadParticipants`: the next page of the snapshot a join started (joined sockets only). */
export class LoadParticipantsRequest {
  @IsInt()
  @Min(1)
  roomId!: number;

  /** `participantsCursor` of the join answer or `nextCursor` of the previous page. */
  @IsInt()
  @Min(0)
  cursor!: number;
}

/** Answer of `loadParticipants`: users present now with userId > cursor, ordered by userId. */
export interface ParticipantsPage {
  roomId: number;
  participants: Participant[];
  /** null: no page after this one. */
  nextCursor: number | null;
}

/**
 * To every socket in the room: who came and who went since the previous delta (a burst of joins
 * is batched into one event). Apply `left` first, then `joined` (a user who left and came back
 * within one batch is in both), then `changed`; `joined` entries are upserts, `changed` entries
 * replace present users (a role change: a webinar attendee brought on stage or sent back). A page of the snapshot that arrives
 * after a delta must not bring back a user that delta removed (the page may have been read
 * before the leave): keep the ids seen leaving until the snapshot is complete.
 */
export interface ParticipantsDeltaEvent {
  roomId: number;
  joined: Participant[];
  left: number[];
  /** Present users whose role changed (never one also in `joined` of the same batch). */
  changed: Participant[];
}

export interface LeaveRoomData {
  roomId: number;
}
