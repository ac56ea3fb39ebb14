import type { LobbyEntry } from '@minimeet/shared';

/** Nest token of the LobbyStore (memory, or Redis when REDIS_URL is set). */
export const LOBBY_STORE = Symbol('LOBBY_STORE');

/** A socket held in a room's lobby. */
export interface WaitingSocket {
  roomId: number;
  userId: number;
  socketId: string;
}

/** `added`: the user started waiting (a knock); `alreadyWaiting`: another socket of theirs waits already. */
export type WaitOutcome = 'added' | 'alreadyWaiting' | 'full';

/**
 * Who waits in each room's lobby, who was admitted for the rest of the call and who was turned
 * away, shared by every node (a waiter and the moderator deciding may be on different nodes).
 * A user waits as long as one of their sockets does; each socket record expires unless the
 * process holding it renews it, so a dead node's waiters leave the list by themselves.
 */
export interface LobbyStore {
  /** Records a waiting socket; a user not yet waiting is added unless `max` people wait already. */
  wait(roomId: number, entry: LobbyEntry, socketId: string, max: number): Promise<WaitOutcome>;
  isWaiting(roomId: number, userId: number): Promise<boolean>;
  /** Drops one waiting socket; true when it was the user's last, so they left the list. */
  removeSocket(socket: WaitingSocket): Promise<boolean>;
  /** Takes the user off the list (a moderator decided); false when they were not on it. */
  take(roomId: number, userId: number): Promise<boolean>;
  /** Who waits, oldest first. */
  waiting(roomId: number): Promise<LobbyEntry[]>;
  /** Keeps these sockets (held by this process) from expiring. */
  renew(sockets: readonly WaitingSocket[]): Promise<void>;
  /** The user joins without waiting until the admissions are cleared (the call ends). */
  admit(roomId: number, userId: number): Promise<void>;
  isAdmitted(roomId: number, userId: number): Promise<boolean>;
  clearAdmissions(roomId: number): Promise<void>;
  /** The user's joins answer LOBBY_DENIED for `forMs`. */
  deny(roomId: number, userId: number, forMs: number): Promise<void>;
  isDenied(roomId: number, userId: number): Promise<boolean>;
  /** Forgets the room's lobby (the room was deleted); returns who was waiting. */
  clearRoom(roomId: number): Promise<LobbyEntry[]>;
}

/** Oldest first; ties by user id so every node lists them alike. */
export function sortWaiting(entries: LobbyEntry[]): LobbyEntry[] {
  return entries.sort((a, b) => a.since.localeCompare(b.since) || a.userId - b.userId);
}
