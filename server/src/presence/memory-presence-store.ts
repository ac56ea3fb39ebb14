import type { Participant, ParticipantRole } from '@minimeet/shared';
import {
  onStage,
  sortParticipants,
  type AddSocketOutcome,
  type IdleUser,
  type PresenceStore,
  type RoomCapacity,
  type SetRoleOutcome,
} from './presence-store.js';

interface PresentUser {
  username: string;
  guest?: true;
  role: ParticipantRole;
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
    capacity: RoomCapacity,
  ): Promise<AddSocketOutcome> {
    let users = this.rooms.get(roomId);
    const existing = users?.get(user.userId);
    if (existing) {
      existing.sockets.add(socketId);
      return { admitted: true, userAdded: false };
    }
    const stage = onStage(user.role);
    const cap = stage ? capacity.stage : capacity.audience;
    if (this.countOnStage(users, stage) >= cap) return { admitted: false };
    if (!users) this.rooms.set(roomId, (users = new Map()));
    users.set(user.userId, { username: user.username, guest: user.guest, role: user.role, sockets: new Set([socketId]) });
    return { admitted: true, userAdded: true };
  }

  async setRole(roomId: number, userId: number, role: ParticipantRole, stageCap: number): Promise<SetRoleOutcome> {
    const users = this.rooms.get(roomId);
    const present = users?.get(userId);
    if (!present) return { ok: false, reason: 'absent' };
    if (onStage(role) && !onStage(present.role) && this.countOnStage(users, true) >= stageCap)
      return { ok: false, reason: 'stageFull' };
    present.role = role;
    return { ok: true, participant: { userId, username: present.username, ...(present.guest ? { guest: true } : {}), role } };
  }

  async roleOf(roomId: number, userId: number): Promise<ParticipantRole | null> {
    return this.rooms.get(roomId)?.get(userId)?.role ?? null;
  }

  private countOnStage(users: Map<number, PresentUser> | undefined, stage: boolean): number {
    let n = 0;
    for (const u of users?.values() ?? []) if (onStage(u.role) === stage) n += 1;
    return n;
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
    return sortParticipants([...users].map(([userId, u]) => ({ userId, username: u.username, ...(u.guest ? { guest: true as const } : {}), role: u.role })));
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
