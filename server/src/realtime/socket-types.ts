import type { ClientToServerEvents, MutableSource, ParticipantRole, RecordingStateEvent, ServerToClientEvents, UserDto } from '@minimeet/shared';
import type { Server, Socket } from 'socket.io';

/** Per-socket state, set by the handshake auth middleware. */
export interface SocketData {
  user: UserDto;
  /** Rooms this socket has joined (kept here because socket.rooms is emptied before 'disconnect'). */
  joinedRooms: Set<number>;
  /** When the access token the socket authenticated with (handshake or auth:renew) expires, ms since epoch. */
  accessTokenExpiresAt: number;
  /** The token version that token carries: a bump (revocation) ends the socket. */
  tokenVersion: number;
  /** Joined rooms this socket may be in only because its user is an admin (left on demotion). */
  adminOnlyRooms: Set<number>;
  /** Sent admin:subscribe (and not admin:unsubscribe): a demotion pauses the feed, a promotion resumes it. */
  wantsAdminStats?: boolean;
  /** Rooms this socket joined muted (room.joinMuted): its first microphone producer there starts paused. */
  joinMutedRooms?: Set<number>;
  /**
   * The user's role in each joined room as this process last knew it (join, setStage): only to put
   * presence back after Redis lost it; checks read the shared presence.
   */
  roomRoles?: Map<number, ParticipantRole>;
}

/** Moderation that every server process applies to its own sockets (see RealtimeServer.everyProcess). */
export interface RoomEviction {
  roomId: number;
  /** null: everyone in the room (call ended). */
  userId: number | null;
  kind: 'removed' | 'callEnded';
  byUserId: number;
  byUsername: string;
}

/** Mute everyone: each process pauses the microphones of the listed users it holds. */
export interface ModeratorMuteAll {
  roomId: number;
  userIds: number[];
  byUserId: number;
  byUsername: string;
}

export interface ModeratorMute {
  roomId: number;
  userId: number;
  source: MutableSource;
  byUserId: number;
  byUsername: string;
}

/** Server-to-server events (Socket.IO serverSideEmit through the Redis adapter). */
export interface InterServerEvents {
  roomEviction: (payload: RoomEviction) => void;
  /** A room was deleted: every process drops its sockets, grace timers and media of it. */
  roomDeletion: (payload: { roomId: number }) => void;
  moderatorMute: (payload: ModeratorMute) => void;
  moderatorMuteAll: (payload: ModeratorMuteAll) => void;
  /** A webinar participant's role changed: each process updates its sockets and closes a demoted user's producers. */
  stageChange: (payload: StageChange) => void;
  /** A recording started or stopped: each process updates its RoomRecordingFlags; the capturing one finishes a stopped recording. */
  recordingChange: (payload: RecordingStateEvent) => void;
}

export interface StageChange {
  roomId: number;
  userId: number;
  role: ParticipantRole;
}

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The Socket.IO room every socket of a MiniMeet room is in. */
export function roomChannel(roomId: number): string {
  return `room:${roomId}`;
}

/** The Socket.IO room of every socket of one user (on every process): revocation reaches them all. */
export function userChannel(userId: number): string {
  return `user:${userId}`;
}

/**
 * The Socket.IO room of a MiniMeet room's sockets that joined with media (not those refused it,
 * MAX_SOCKETS_PER_USER_ROOM): producer announcements go only there, to sockets that may consume.
 */
export function mediaChannel(roomId: number): string {
  return `room-media:${roomId}`;
}
