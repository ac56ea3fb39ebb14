import type { Redis } from 'ioredis';

/** Injection token for the sendMessage limiter chosen by config. */
export const CHAT_RATE_LIMITER = Symbol('CHAT_RATE_LIMITER');

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Fixed-window count of messages per user: `limit` per `windowMs`. */
export interface ChatRateLimiter {
  /** `key`: a user id, or another subject of a per-key limit (a client IP for guest logins). */
  consume(key: number | string): Promise<RateDecision>;
}

/** Beyond this many tracked users, expired windows are swept on the next call. */
const SWEEP_AT = 10_000;

export class MemoryChatRateLimiter implements ChatRateLimiter {
  private readonly windows = new Map<number | string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  async consume(userId: number | string): Promise<RateDecision> {
    const now = Date.now();
    if (this.windows.size > SWEEP_AT) {
      for (const [id, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(id);
    }
    let w = this.windows.get(userId);
    if (!w || now - w.start >= this.windowMs) this.windows.set(userId, (w = { start: now, count: 0 }));
    if (w.count >= this.limit) return { allowed: false, retryAfterMs: w.start + this.windowMs - now };
    w.count += 1;
    return { allowed: true };
  }
}

const CONSUME = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

/** Same policy shared by every process (one counter per user in Redis). */
export class RedisChatRateLimiter implements ChatRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limit: number,
    private readonly windowMs: number,
    /** Key namespace, so other per-user limits (reactions) can reuse this policy. */
    private readonly keyspace = 'chat-rate',
  ) {}

  async consume(userId: number | string): Promise<RateDecision> {
    const [count, ttl] = (await this.redis.eval(
      CONSUME,
      1,
      `${this.prefix}:${this.keyspace}:${userId}`,
      String(this.windowMs),
    )) as [number, number];
    if (count <= this.limit) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.max(ttl, 0) };
  }
}
