import type { RaisedHand } from '@minimeet/shared';
import type { Redis } from 'ioredis';
import type { HandQueueChange, HandQueueStore } from './hand-queue-store.js';

// Keys per room:
//   <prefix>:hands:<roomId>        sorted set userId, score = place in the queue (from :seq)
//   <prefix>:hands:<roomId>:seq    counter of raises (the order, immune to clock skew between nodes)
//   <prefix>:hands:<roomId>:info   hash userId → JSON { username, raisedAt }
// Each change is one Lua script returning the queue after it, so two nodes never interleave.

const READ_QUEUE = `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for i, id in ipairs(ids) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[3], id) or '{}'
end
return out`;

const RAISE = `
local changed = 0
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  local seq = redis.call('INCR', KEYS[2])
  redis.call('ZADD', KEYS[1], seq, ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
  changed = 1
end
local function queue() ${READ_QUEUE} end
return {changed, queue()}`;

const LOWER = `
local changed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[2]) end
local function queue() ${READ_QUEUE} end
return {changed, queue()}`;

export class RedisHandQueueStore implements HandQueueStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async raise(roomId: number, userId: number, username: string, at: Date): Promise<HandQueueChange> {
    const info = JSON.stringify({ username, raisedAt: at.toISOString() });
    const [changed, flat] = (await this.redis.eval(RAISE, 3, ...this.keys(roomId), String(userId), info)) as [number, string[]];
    return { changed: changed === 1, hands: parseQueue(flat) };
  }

  async lower(roomId: number, userId: number): Promise<HandQueueChange> {
    const [changed, flat] = (await this.redis.eval(LOWER, 3, ...this.keys(roomId), String(userId))) as [number, string[]];
    return { changed: changed === 1, hands: parseQueue(flat) };
  }

  async queue(roomId: number): Promise<RaisedHand[]> {
    return parseQueue((await this.redis.eval(READ_QUEUE, 3, ...this.keys(roomId))) as string[]);
  }

  async clearRoom(roomId: number): Promise<void> {
    await this.redis.del(...this.keys(roomId));
  }

  private keys(roomId: number): [string, string, string] {
    const base = `${this.prefix}:hands:${roomId}`;
    return [base, `${base}:seq`, `${base}:info`];
  }
}

/** [id, json, id, json, …] → hands in queue order. */
function parseQueue(flat: string[]): RaisedHand[] {
  const hands: RaisedHand[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const info = JSON.parse(flat[i + 1] ?? '{}') as { username?: string; raisedAt?: string };
    hands.push({ userId: Number(flat[i]), username: info.username ?? '', raisedAt: info.raisedAt ?? new Date(0).toISOString() });
  }
  return hands;
}
