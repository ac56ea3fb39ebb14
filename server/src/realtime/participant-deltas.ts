import type { Participant, ParticipantsDeltaEvent } from '@minimeet/shared';

/** A batch flushes at once when it holds this many entries (joined + left), whatever the window. */
export const DELTA_BATCH_MAX_ENTRIES = 200;

interface PendingDelta {
  joined: Map<number, Participant>;
  left: Set<number>;
  changed: Map<number, Participant>;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Collects a room's joins, leaves and role changes for `flushMs` and hands them to `send` as one
 * participantsDelta, so a burst of N joins costs every socket in the room O(N) bytes instead of
 * N whole lists. Within a batch the last word per user wins in the order a client applies a
 * delta (left first, then joined): a leave drops a pending join of the same user, a join after
 * a leave keeps both (the user left and came back).
 */
export class ParticipantDeltaBatcher {
  private readonly pending = new Map<number, PendingDelta>();

  constructor(
    private readonly flushMs: number,
    private readonly send: (delta: ParticipantsDeltaEvent) => void,
    private readonly maxEntries = DELTA_BATCH_MAX_ENTRIES,
  ) {}

  joined(roomId: number, participant: Participant): void {
    const batch = this.batch(roomId);
    batch.joined.set(participant.userId, participant);
    batch.changed.delete(participant.userId);
    this.afterAdd(roomId, batch);
  }

  /** A present user's role changed: folded into a pending join of theirs, else sent as `changed`. */
  changed(roomId: number, participant: Participant): void {
    const batch = this.batch(roomId);
    if (batch.joined.has(participant.userId)) batch.joined.set(participant.userId, participant);
    else batch.changed.set(participant.userId, participant);
    this.afterAdd(roomId, batch);
  }

  left(roomId: number, userId: number): void {
    const batch = this.batch(roomId);
    batch.joined.delete(userId);
    batch.changed.delete(userId);
    batch.left.add(userId);
    this.afterAdd(roomId, batch);
  }

  /** Sends the room's pending delta now (nothing when there is none). */
  flush(roomId: number): void {
    const batch = this.pending.get(roomId);
    if (!batch) return;
    this.pending.delete(roomId);
    if (batch.timer) clearTimeout(batch.timer);
    if (!batch.joined.size && !batch.left.size && !batch.changed.size) return;
    this.send({ roomId, joined: [...batch.joined.values()], left: [...batch.left], changed: [...batch.changed.values()] });
  }

  flushAll(): void {
    for (const roomId of [...this.pending.keys()]) this.flush(roomId);
  }

  /** The room is gone (deleted): what was pending has nobody left to tell. */
  discard(roomId: number): void {
    const batch = this.pending.get(roomId);
    if (batch?.timer) clearTimeout(batch.timer);
    this.pending.delete(roomId);
  }

  private batch(roomId: number): PendingDelta {
    let batch = this.pending.get(roomId);
    if (!batch) {
      batch = { joined: new Map(), left: new Set(), changed: new Map(), timer: undefined };
      this.pending.set(roomId, batch);
    }
    return batch;
  }

  private afterAdd(roomId: number, batch: PendingDelta): void {
    if (this.flushMs === 0 || batch.joined.size + batch.left.size + batch.changed.size >= this.maxEntries) {
      this.flush(roomId);
      return;
    }
    batch.timer ??= setTimeout(() => this.flush(roomId), this.flushMs);
  }
}
