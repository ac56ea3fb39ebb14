import type { Redis } from 'ioredis';
import type { ConnectionSlots, SlotClaim } from './connection-slots.js';

// One sorted set per key: <prefix>:conn:<key>, member "<bootId>:<socketId>", score = the time (ms)
// the slot expires unless renewed. Expired members are dropped before counting, so the slots of a
// node that died free themselves within the TTL without anyone sweeping.

// KEYS: the claimed keys. ARGV: member, now, expiresAt, ttlMs, then one limit per key.
const ACQUIRE = `
local member, now, expiresAt, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZSCORE', key, member) == false and redis.call('ZCARD', key) >= tonumber(ARGV[4 + i]) then
    return i - 1
  end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, expiresAt, member)
  redis.call('PEXPIRE', key, ttl)
end
return -1`;

export class RedisConnectionSlots implements ConnectionSlots {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly bootId: string,
    private readonly ttlMs: number,
  ) {}

  private key(key: string): string {
    return `${this.prefix}:conn:${key}`;
  }

  private member(socketId: string): string {
    return `${this.bootId}:${socketId}`;
  }

  async acquire(socketId: string, claims: SlotClaim[]): Promise<number> {
    const now = Date.now();
    const result = await this.redis.eval(
      ACQUIRE,
      claims.length,
      ...claims.map((c) => this.key(c.key)),
      this.member(socketId),
      String(now),
      String(now + this.ttlMs),
      String(this.ttlMs),
      ...claims.map((c) => String(c.limit)),
    );
    return Number(result);
  }

  async release(socketId: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.zrem(this.key(key), this.member(socketId));
    await pipeline.exec();
  }

  async renew(held: Map<string, string[]>): Promise<void> {
    if (held.size === 0) return;
    const expiresAt = Date.now() + this.ttlMs;
    const pipeline = this.redis.pipeline();
    for (const [socketId, keys] of held) {
      for (const key of keys) {
        // XX: a slot released meanwhile stays released.
        pipeline.zadd(this.key(key), 'XX', expiresAt, this.member(socketId));
        pipeline.pexpire(this.key(key), this.ttlMs);
      }
    }
    await pipeline.exec();
  }
}
