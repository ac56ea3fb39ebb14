import type { RaisedHand } from '@minimeet/shared';

/** Injection token for the HandQueueStore chosen by config (memory, or Redis when REDIS_URL is set). */
export const HAND_QUEUE_STORE = Symbol('HAND_QUEUE_STORE');

/** A change to the queue and the queue after it (`changed` false: nothing to announce). */
export interface HandQueueChange {
  changed: boolean;
  hands: RaisedHand[];
}

/**
 * The raised hands of each room, in the order they went up, shared by every server process (a
 * room may span nodes). Each method is atomic on its own.
 */
export interface HandQueueStore {
  /** Puts the user's hand at the end of the queue; a hand already up keeps its place. */
  raise(roomId: number, userId: number, username: string, at: Date): Promise<HandQueueChange>;
  /** Takes the user's hand down (no change if it was not up). */
  lower(roomId: number, userId: number): Promise<HandQueueChange>;
  queue(roomId: number): Promise<RaisedHand[]>;
  /** Forgets the room's queue (room closed, call ended, room deleted). */
  clearRoom(roomId: number): Promise<void>;
}
