import type { Participant, ParticipantRole } from '@minimeet/shared';

/** Injection token for the PresenceStore chosen by config (memory, or Redis when REDIS_URL is set). */
export const PRESENCE_STORE = Symbol('PRESENCE_STORE');

export type AddSocketOutcome =
  | { admitted: false }
  /** `userAdded`: the user was not present before (first tab, or back after the grace period). */
  | { admitted: true; userAdded: boolean };

/**
 * How many users a room admits: `stage` hosts + speakers, and besides them `audience` attendees
 * (0 in a meeting, whose non-hosts are all speakers).
 */
export interface RoomCapacity {
  stage: number;
  audience: number;
}

/** Outcome of setRole: the participant as it is now, or why nothing changed. */
export type SetRoleOutcome = { ok: true; participant: Participant } | { ok: false; reason: 'absent' | 'stageFull' };

/** Attendees count against the audience, everyone else against the stage. */
export function onStage(role: ParticipantRole): boolean {
  return role !== 'attendee';
}

/** The node boot that holds a socket (or counts a user's grace period). */
export interface PresenceOwner {
  nodeId: string;
  bootId: string;
}

/** A user still present in a room with no socket left. */
export interface IdleUser {
  roomId: number;
  userId: number;
}

/**
 * Who is in which room, shared by every server process. A user is present in a room while
 * they have at least one socket there or are within the disconnect grace period (no sockets,
 * not yet removed). Each method is atomic on its own so processes can race safely.
 */
export interface PresenceStore {
  /**
   * Adds a socket. A user not present yet comes with `user.role` and is refused when the part of
   * `capacity` that role counts against (stage or audience) is full; a present user keeps the
   * role it has.
   */
  addSocket(
    roomId: number,
    user: Participant,
    socketId: string,
    capacity: RoomCapacity,
  ): Promise<AddSocketOutcome>;
  /**
   * Gives a present user another role (webinar stage). Moving onto the stage is refused when it
   * holds `stageCap` users already.
   */
  setRole(roomId: number, userId: number, role: ParticipantRole, stageCap: number): Promise<SetRoleOutcome>;
  /** The role of a present user, or null when they are not present. */
  roleOf(roomId: number, userId: number): Promise<ParticipantRole | null>;
  /** Removes one socket; returns how many sockets the user still has in the room. */
  removeSocket(roomId: number, userId: number, socketId: string): Promise<number>;
  /** Removes the user if they have no socket left in the room; true when removed. */
  removeUserIfIdle(roomId: number, userId: number): Promise<boolean>;
  /** Present users, ordered by username. */
  participants(roomId: number): Promise<Participant[]>;
  /** Number of present users for each room asked about. */
  counts(roomIds: number[]): Promise<Map<number, number>>;
  /** Forgets the room entirely; returns who was present. */
  clearRoom(roomId: number): Promise<Participant[]>;
  /**
   * Removes every socket and grace record a (dead) node boot owned; returns the users that left
   * with no socket, for the caller to remove after the grace period like a local disconnect.
   */
  sweepOwner(owner: PresenceOwner): Promise<IdleUser[]>;
  /** Ids of the nodes holding sockets (or grace periods) in each room asked about, sorted. */
  roomNodes(roomIds: number[]): Promise<Map<number, string[]>>;
}

export function sortParticipants(list: Participant[]): Participant[] {
  return list.sort((a, b) => a.username.localeCompare(b.username) || a.userId - b.userId);
}
