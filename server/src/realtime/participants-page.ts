import type { Participant } from '@minimeet/shared';
import type { PresenceStore } from '../presence/presence-store.js';

export interface ParticipantsPageResult {
  /** Everyone present, across all pages. */
  total: number;
  participants: Participant[];
  /** The cursor of the next page, or null after the last one. */
  nextCursor: number | null;
}

/**
 * One page of who is present: users with userId > cursor, ordered by userId, at most pageSize.
 * Deltas sent meanwhile are the client's to merge.
 */
export async function participantsPage(
  presence: PresenceStore,
  roomId: number,
  cursor: number,
  pageSize: number,
): Promise<ParticipantsPageResult> {
  const all = (await presence.participants(roomId)).sort((a, b) => a.userId - b.userId);
  const after = all.filter((p) => p.userId > cursor);
  const participants = after.slice(0, pageSize);
  const more = after.length > participants.length;
  return {
    total: all.length,
    participants,
    nextCursor: more ? participants[participants.length - 1]!.userId : null,
  };
}
