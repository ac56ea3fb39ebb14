import type { Participant, ParticipantsDeltaEvent } from './rooms.js';

/**
 * A client's view of who is present in one room, built the way the protocol sends it: the join
 * answer's first page, further pages (loadParticipants) and participantsDelta events, in any
 * interleaving. One implementation for every client (browser, Node peer, bots, tests), so they
 * all end with the server's list.
 *
 * A page may have been read before a leave whose delta arrived first: until the snapshot is
 * complete the ids seen leaving (and not seen joining since) are kept, and a page does not
 * bring them back.
 */
export class ParticipantRoster {
  private readonly byId = new Map<number, Participant>();
  private readonly leftWhilePaging = new Set<number>();
  private nextCursor: number | null;

  constructor(firstPage: Participant[], cursor: number | null) {
    for (const p of firstPage) this.byId.set(p.userId, p);
    this.nextCursor = cursor;
  }

  /** Where loadParticipants continues; null once the snapshot is complete. */
  get cursor(): number | null {
    return this.nextCursor;
  }

  get size(): number {
    return this.byId.size;
  }

  has(userId: number): boolean {
    return this.byId.has(userId);
  }

  addPage(page: Participant[], nextCursor: number | null): void {
    for (const p of page) if (!this.leftWhilePaging.has(p.userId)) this.byId.set(p.userId, p);
    this.nextCursor = nextCursor;
    if (nextCursor === null) this.leftWhilePaging.clear();
  }

  applyDelta(delta: Pick<ParticipantsDeltaEvent, 'joined' | 'left'>): void {
    for (const userId of delta.left) {
      this.byId.delete(userId);
      if (this.nextCursor !== null) this.leftWhilePaging.add(userId);
    }
    for (const p of delta.joined) {
      this.byId.set(p.userId, p);
      this.leftWhilePaging.delete(p.userId);
    }
  }

  /** Present users ordered by username (then id), as lists show them. */
  list(): Participant[] {
    return [...this.byId.values()].sort((a, b) => a.username.localeCompare(b.username) || a.userId - b.userId);
  }
}
