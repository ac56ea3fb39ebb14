import type { RaisedHand } from '@minimeet/shared';
import type { HandQueueChange, HandQueueStore } from './hand-queue-store.js';

/** One process's queues (no REDIS_URL: the only process). A Map keeps insertion order = raise order. */
export class MemoryHandQueueStore implements HandQueueStore {
  private readonly rooms = new Map<number, Map<number, RaisedHand>>();

  async raise(roomId: number, userId: number, username: string, at: Date): Promise<HandQueueChange> {
    let hands = this.rooms.get(roomId);
    if (!hands) this.rooms.set(roomId, (hands = new Map()));
    if (hands.has(userId)) return { changed: false, hands: [...hands.values()] };
    hands.set(userId, { userId, username, raisedAt: at.toISOString() });
    return { changed: true, hands: [...hands.values()] };
  }

  async lower(roomId: number, userId: number): Promise<HandQueueChange> {
    const hands = this.rooms.get(roomId);
    const changed = hands?.delete(userId) ?? false;
    if (hands && hands.size === 0) this.rooms.delete(roomId);
    return { changed, hands: hands ? [...hands.values()] : [] };
  }

  async queue(roomId: number): Promise<RaisedHand[]> {
    return [...(this.rooms.get(roomId)?.values() ?? [])];
  }

  async clearRoom(roomId: number): Promise<void> {
    this.rooms.delete(roomId);
  }
}
