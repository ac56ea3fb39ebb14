/**
 * A token bucket: holds up to `burst` tokens, refilled at `perSecond`; each action takes one.
 * Allows short bursts while capping the sustained rate.
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.#tokens = burst;
    this.#updatedAt = now;
  }

  /** Takes a token: 0 when allowed, else how many ms until one is available. */
  take(now = Date.now()): number {
    this.#refill(now);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.perSecond));
  }

  /** True once the bucket is full again (nothing left to remember). */
  isFull(now = Date.now()): boolean {
    this.#refill(now);
    return this.#tokens >= this.burst;
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.perSecond) / 1000);
    this.#updatedAt = now;
  }
}
