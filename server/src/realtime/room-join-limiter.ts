import { ErrorCode } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import { TokenBucket } from '../common/token-bucket.js';

/** Buckets kept before full ones (nothing left to remember) are dropped. */
const PRUNE_AT = 10_000;

/**
 * Joins of one room by one user: a burst of `perMinute`, refilled over a minute. Each join
 * broadcasts to the room and writes call rows, so join/leave churn is capped here. Counted per
 * process, like the per-socket event budget. The lobby counts its knocks with one of its own.
 */
export class RoomJoinLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perMinute: number,
    /** What is counted, for the refusal's message (e.g. the lobby's knocks). */
    private readonly action = 'Joining',
  ) {}

  /** RATE_LIMITED with details.retryAfterMs when the user joined this room too often. */
  take(roomId: number, userId: number, now = Date.now()): void {
    const key = `${roomId}:${userId}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= PRUNE_AT) this.prune(now);
      bucket = new TokenBucket(this.perMinute / 60, this.perMinute, now);
      this.buckets.set(key, bucket);
    }
    const retryAfterMs = bucket.take(now);
    if (retryAfterMs > 0) {
      throw new AppError(ErrorCode.RATE_LIMITED, `${this.action} room ${roomId} too often`, { retryAfterMs });
    }
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }
}
