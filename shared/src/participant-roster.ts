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
  private byId = new Map<number, Participant>();
  private readonly leftWhilePaging = new Set<number>();
  /** Role changes seen while paging: a page read before one must not undo it. */
  private readonly changedWhilePaging = new Map<number, Participant>();
  private nextCursor: number | null;
  /** The snapshot being loaded again after resync(); the list shown stays byId until it is complete. */
  private rebuilding: Map<number, Participant> | null = null;
  /** Bumped by resync(): a page asked for before it belongs to the old snapshot (drop it). */
  generation = 0;

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
    const target = this.rebuilding ?? this.byId;
    for (const p of page)
      if (!this.leftWhilePaging.has(p.userId)) target.set(p.userId, this.changedWhilePaging.get(p.userId) ?? p);
    this.nextCursor = nextCursor;
    if (nextCursor !== null) return;
    this.leftWhilePaging.clear();
    this.changedWhilePaging.clear();
    if (this.rebuilding) this.byId = this.rebuilding;
    this.rebuilding = null;
  }

  /**
   * participantsResync: load the snapshot again from cursor 0. Until its last page the current
   * list stays shown (deltas still apply to it), then the reloaded one replaces it.
   */
  resync(): void {
    this.generation += 1;
    this.rebuilding = new Map();
    this.leftWhilePaging.clear();
    this.changedWhilePaging.clear();
    this.nextCursor = 0;
  }

  applyDelta(delta: Pick<ParticipantsDeltaEvent, 'joined' | 'left'> & Partial<Pick<ParticipantsDeltaEvent, 'changed'>>): void {
    for (const userId of delta.left) {
      this.byId.delete(userId);
      this.rebuilding?.delete(userId);
      this.changedWhilePaging.delete(userId);
      if (this.nextCursor !== null) this.leftWhilePaging.add(userId);
    }
    for (const p of delta.joined) {
      this.byId.set(p.userId, p);
      this.rebuilding?.set(p.userId, p);
      this.leftWhilePaging.delete(p.userId);
      this.changedWhilePaging.delete(p.userId);
    }
    for (const p of delta.changed ?? []) {
      // While paging, a change may be of a user a page still to come holds (that page may predate
      // it: remember it); once the snapshot is complete, a change of someone absent is stale.
      const paging = this.nextCursor !== null;
      if (paging && this.leftWhilePaging.has(p.userId)) continue;
      if (paging) this.changedWhilePaging.set(p.userId, p);
      if (paging || this.byId.has(p.userId)) this.byId.set(p.userId, p);
      if (this.rebuilding?.has(p.userId)) this.rebuilding.set(p.userId, p);
    }
  }

  /** One present user, or undefined. */
  get(userId: number): Participant | undefined {
    return this.byId.get(userId);
  }

  /** Present users ordered by username (then id), as lists show them. */
  list(): Participant[] {
    return [...this.byId.values()].sort((a, b) => a.username.localeCompare(b.username) || a.userId - b.userId);
  }
}
