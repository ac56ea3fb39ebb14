import type { Participant } from '@minimeet/shared';
import { sortParticipants, type AddSocketOutcome, type IdleUser, type PresenceStore } from './presence-store.js';

interface PresentUser {
  username: string;
  sockets: Set<string>;
}

/** Single-process presence (the default when no REDIS_URL is configured). */
export class MemoryPresenceStore implements PresenceStore {
  private readonly rooms = new Map<number, Map<number, PresentUser>>();

  /** `nodeId`: this process, the only node holding anything here. */
  constructor(private readonly nodeId = 'local') {}

  async addSocket(
    roomId: number,
    user: Participant,
    socketId: string,
    maxParticipants: number,
  ): Promise<AddSocketOutcome> {
    let users = this.rooms.get(roomId);
    const existing = users?.get(user.userId);
    if (existing) {
      existing.sockets.add(socketId);
      return { admitted: true, userAdded: false };
    }
    if ((users?.size ?? 0) >= maxParticipants) return { admitted: false };
    if (!users) this.rooms.set(roomId, (users = new Map()));
    users.set(user.userId, { username: user.username, sockets: new Set([socketId]) });
    return { admitted: true, userAdded: true };
  }

  async removeSocket(roomId: number, userId: number, socketId: string): Promise<number> {
    const present = this.rooms.get(roomId)?.get(userId);
    if (!present) return 0;
    present.sockets.delete(socketId);
    return present.sockets.size;
  }

  async removeUserIfIdle(roomId: number, userId: number): Promise<boolean> {
    const users = this.rooms.get(roomId);
    const present = users?.get(userId);
    if (!users || !present || present.sockets.size > 0) return false;
    users.delete(userId);
    if (users.size === 0) this.rooms.delete(roomId);
    return true;
  }

  async participants(roomId: number): Promise<Participant[]> {
    const users = this.rooms.get(roomId);
    if (!users) return [];
    return sortParticipants([...users].map(([userId, u]) => ({ userId, username: u.username })));
  }

  async counts(roomIds: number[]): Promise<Map<number, number>> {
    return new Map(roomIds.map((id) => [id, this.rooms.get(id)?.size ?? 0]));
  }

  async clearRoom(roomId: number): Promise<Participant[]> {
    const list = await this.participants(roomId);
    this.rooms.delete(roomId);
    return list;
  }

  /** One process: no other node's entries to sweep. */
  async sweepOwner(): Promise<IdleUser[]> {
    return [];
  }

  async roomNodes(roomIds: number[]): Promise<Map<number, string[]>> {
    return new Map(roomIds.map((id) => [id, this.rooms.has(id) ? [this.nodeId] : []]));
  }
}
