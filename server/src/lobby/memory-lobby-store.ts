import type { LobbyEntry } from '@minimeet/shared';
import { sortWaiting, type LobbyStore, type WaitOutcome, type WaitingSocket } from './lobby-store.js';

interface RoomLobby {
  /** userId → entry and the ids of the sockets waiting for it. */
  waiting: Map<number, { entry: LobbyEntry; sockets: Set<string> }>;
  admitted: Set<number>;
  /** userId → denied until (ms since epoch). */
  deniedUntil: Map<number, number>;
}

/** The lobby of a single process (no REDIS_URL): its sockets die with it, so nothing expires. */
export class MemoryLobbyStore implements LobbyStore {
  private readonly rooms = new Map<number, RoomLobby>();

  private room(roomId: number): RoomLobby {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = { waiting: new Map(), admitted: new Set(), deniedUntil: new Map() };
      this.rooms.set(roomId, room);
    }
    return room;
  }

  /** Drops a room's record once nothing is left in it. */
  private prune(roomId: number): void {
    const room = this.rooms.get(roomId);
    if (room && !room.waiting.size && !room.admitted.size && !room.deniedUntil.size) this.rooms.delete(roomId);
  }

  async wait(roomId: number, entry: LobbyEntry, socketId: string, max: number): Promise<WaitOutcome> {
    const { waiting } = this.room(roomId);
    const current = waiting.get(entry.userId);
    if (current) {
      current.sockets.add(socketId);
      return 'alreadyWaiting';
    }
    if (waiting.size >= max) {
      this.prune(roomId);
      return 'full';
    }
    waiting.set(entry.userId, { entry, sockets: new Set([socketId]) });
    return 'added';
  }

  async isWaiting(roomId: number, userId: number): Promise<boolean> {
    return this.rooms.get(roomId)?.waiting.has(userId) ?? false;
  }

  async removeSocket({ roomId, userId, socketId }: WaitingSocket): Promise<boolean> {
    const waiter = this.rooms.get(roomId)?.waiting.get(userId);
    if (!waiter?.sockets.delete(socketId) || waiter.sockets.size) return false;
    return this.take(roomId, userId);
  }

  async take(roomId: number, userId: number): Promise<boolean> {
    const taken = this.rooms.get(roomId)?.waiting.delete(userId) ?? false;
    this.prune(roomId);
    return taken;
  }

  async waiting(roomId: number): Promise<LobbyEntry[]> {
    return sortWaiting([...(this.rooms.get(roomId)?.waiting.values() ?? [])].map((w) => ({ ...w.entry })));
  }

  async renew(): Promise<void> {
    // Nothing expires in one process.
  }

  async admit(roomId: number, userId: number): Promise<void> {
    this.room(roomId).admitted.add(userId);
  }

  async isAdmitted(roomId: number, userId: number): Promise<boolean> {
    return this.rooms.get(roomId)?.admitted.has(userId) ?? false;
  }

  async clearAdmissions(roomId: number): Promise<void> {
    this.rooms.get(roomId)?.admitted.clear();
    this.prune(roomId);
  }

  async deny(roomId: number, userId: number, forMs: number): Promise<void> {
    if (forMs > 0) this.room(roomId).deniedUntil.set(userId, Date.now() + forMs);
  }

  async isDenied(roomId: number, userId: number): Promise<boolean> {
    const room = this.rooms.get(roomId);
    const until = room?.deniedUntil.get(userId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    room!.deniedUntil.delete(userId);
    this.prune(roomId);
    return false;
  }

  async clearRoom(roomId: number): Promise<LobbyEntry[]> {
    const entries = await this.waiting(roomId);
    this.rooms.delete(roomId);
    return entries;
  }
}
