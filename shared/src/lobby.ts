import { IsInt, Min } from 'class-validator';

/*
 * Lobby (waiting room, issue 20). With a room's `lobby` setting on, a joiner who must wait gets
 * `joinRoom` → { ok: false, error: { code: 'WAITING_IN_LOBBY' } } and its socket stays connected,
 * waiting for `lobbyAdmitted` (then it sends joinRoom again, which now succeeds) or `lobbyDenied`.
 * Moderators in the room get `lobbyUpdate` with the whole waiting list whenever it changes (and
 * `JoinRoomData.lobbyWaiting` when they join). Works across nodes: the waiting socket and the
 * moderator may be on different nodes.
 */

/**
 * Who waits: 'off' nobody; 'guests' people who joined by link without an account; 'everyone'
 * everyone but the room's moderators (owner, admins, app tokens granted moderate).
 */
export type LobbyMode = 'off' | 'guests' | 'everyone';
export const LOBBY_MODES: readonly LobbyMode[] = ['off', 'guests', 'everyone'];

/** One person waiting in a room's lobby (oldest first in `lobbyUpdate.waiting`). */
export interface LobbyEntry {
  userId: number;
  username: string;
  guest?: true;
  /** ISO 8601: when they started waiting. */
  since: string;
}

/** Socket `lobbyUpdate`, to the room's moderators: who waits now (the whole list, oldest first). */
export interface LobbyUpdateEvent {
  roomId: number;
  waiting: LobbyEntry[];
}

/** Socket `lobbyAdmitted`, to the waiting user's sockets: send joinRoom again now. */
export interface LobbyAdmittedEvent {
  roomId: number;
}

/** Socket `lobbyDenied`, to the waiting user's sockets: a moderator turned them away. */
export interface LobbyDeniedEvent {
  roomId: number;
}

/** Socket `admitParticipant` / `denyParticipant` (moderators; FORBIDDEN otherwise; NOT_FOUND when not waiting). */
export class LobbyDecisionRequest {
  @IsInt()
  @Min(1)
  roomId!: number;

  @IsInt()
  @Min(1)
  userId!: number;
}

/** Socket `admitAll` (moderators). */
export class LobbyRoomRequest {
  @IsInt()
  @Min(1)
  roomId!: number;
}

/** Answer of admitParticipant / denyParticipant / admitAll: the waiting list after the decision. */
export type LobbyDecisionData = LobbyUpdateEvent;
