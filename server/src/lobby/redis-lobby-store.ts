import type { LobbyEntry } from '@minimeet/shared';
import type { Redis } from 'ioredis';
import { sortWaiting, type LobbyStore, type WaitOutcome, type WaitingSocket } from './lobby-store.js';

// Keys per room:
//   <prefix>:lobby:<roomId>:entries            hash userId → LobbyEntry JSON (who waits)
//   <prefix>:lobby:<roomId>:sockets:<userId>   sorted set socketId → expiry (ms); renewed by the
//                                              process holding the socket, so a dead node's expire
//   <prefix>:lobby:<roomId>:admitted           set of userIds admitted for the rest of the call
//   <prefix>:lobby:<roomId>:denied:<userId>    present while the user is turned away (PX)
// Changes to the list are Lua scripts so two nodes never see half of one.

/** Drops expired sockets and users with none left. Expects locals entries, socketsPrefix, now. */
const PRUNE = `
for _, u in ipairs(redis.call('HKEYS', entries)) do
  local k = socketsPrefix .. u
  redis.call('ZREMRANGEBYSCORE', k, '-inf', now)
  if redis.call('ZCARD', k) == 0 then redis.call('HDEL', entries, u) end
end`;

// KEYS: entries. ARGV: socketsPrefix, now, userId, entry, socketId, expiresAt, ttlMs, max, entriesTtlMs.
const WAIT = `
local entries, socketsPrefix, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
local user, entry, socket, expiresAt, ttl, max = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
${PRUNE}
local outcome = 'alreadyWaiting'
if redis.call('HEXISTS', entries, user) == 0 then
  if redis.call('HLEN', entries) >= max then return 'full' end
  redis.call('HSET', entries, user, entry)
  outcome = 'added'
end
redis.call('PEXPIRE', entries, ARGV[9])
redis.call('ZADD', socketsPrefix .. user, expiresAt, socket)
redis.call('PEXPIRE', socketsPrefix .. user, ttl)
return outcome`;

// KEYS: entries. ARGV: socketsPrefix, now.
const WAITING = `
local entries, socketsPrefix, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
${PRUNE}
return redis.call('HVALS', entries)`;

// KEYS: entries, the user's sockets. ARGV: userId, socketId. 1 when the user left the list.
const REMOVE_SOCKET = `
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
return redis.call('HDEL', KEYS[1], ARGV[1])`;

/** An idle room's list is forgotten after a day (the socket records expire much sooner). */
const ENTRIES_TTL_MS = 86_400_000;

export class RedisLobbyStore implements LobbyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** How long a waiting socket counts without being renewed. */
    private readonly socketTtlMs: number,
  ) {}

  private base(roomId: number): string {
    return `${this.prefix}:lobby:${roomId}:`;
  }

  private sockets(roomId: number, userId: number): string {
    return `${this.base(roomId)}sockets:${userId}`;
  }

  async wait(roomId: number, entry: LobbyEntry, socketId: string, max: number): Promise<WaitOutcome> {
    const now = Date.now();
    const base = this.base(roomId);
    const outcome = await this.redis.eval(
      WAIT,
      1,
      `${base}entries`,
      `${base}sockets:`,
      String(now),
      String(entry.userId),
      JSON.stringify(entry),
      socketId,
      String(now + this.socketTtlMs),
      String(this.socketTtlMs),
      String(max),
      String(ENTRIES_TTL_MS),
    );
    return outcome as WaitOutcome;
  }

  async isWaiting(roomId: number, userId: number): Promise<boolean> {
    return (await this.waiting(roomId)).some((e) => e.userId === userId);
  }

  async removeSocket({ roomId, userId, socketId }: WaitingSocket): Promise<boolean> {
    const left = await this.redis.eval(
      REMOVE_SOCKET,
      2,
      `${this.base(roomId)}entries`,
      this.sockets(roomId, userId),
      String(userId),
      socketId,
    );
    return Number(left) === 1;
  }

  async take(roomId: number, userId: number): Promise<boolean> {
    const results = await this.redis
      .multi()
      .hdel(`${this.base(roomId)}entries`, String(userId))
      .del(this.sockets(roomId, userId))
      .exec();
    return Number(results?.[0]?.[1] ?? 0) === 1;
  }

  async waiting(roomId: number): Promise<LobbyEntry[]> {
    const base = this.base(roomId);
    const raw = (await this.redis.eval(WAITING, 1, `${base}entries`, `${base}sockets:`, String(Date.now()))) as string[];
    return sortWaiting(raw.map((json) => JSON.parse(json) as LobbyEntry));
  }

  async renew(sockets: readonly WaitingSocket[]): Promise<void> {
    if (!sockets.length) return;
    const expiresAt = Date.now() + this.socketTtlMs;
    const pipeline = this.redis.pipeline();
    for (const s of sockets) {
      // XX: a socket taken off meanwhile (admitted, denied) stays off.
      pipeline.zadd(this.sockets(s.roomId, s.userId), 'XX', expiresAt, s.socketId);
      pipeline.pexpire(this.sockets(s.roomId, s.userId), this.socketTtlMs);
    }
    await pipeline.exec();
  }

  async admit(roomId: number, userId: number): Promise<void> {
    const key = `${this.base(roomId)}admitted`;
    await this.redis.multi().sadd(key, String(userId)).pexpire(key, ENTRIES_TTL_MS).exec();
  }

  async isAdmitted(roomId: number, userId: number): Promise<boolean> {
    return (await this.redis.sismember(`${this.base(roomId)}admitted`, String(userId))) === 1;
  }

  async clearAdmissions(roomId: number): Promise<void> {
    await this.redis.del(`${this.base(roomId)}admitted`);
  }

  async deny(roomId: number, userId: number, forMs: number): Promise<void> {
    if (forMs > 0) await this.redis.set(`${this.base(roomId)}denied:${userId}`, '1', 'PX', forMs);
  }

  async isDenied(roomId: number, userId: number): Promise<boolean> {
    return (await this.redis.exists(`${this.base(roomId)}denied:${userId}`)) === 1;
  }

  async clearRoom(roomId: number): Promise<LobbyEntry[]> {
    const entries = await this.waiting(roomId);
    const base = this.base(roomId);
    await this.redis.del(
      `${base}entries`,
      `${base}admitted`,
      ...entries.map((e) => this.sockets(roomId, e.userId)),
      ...entries.map((e) => `${base}denied:${e.userId}`),
    );
    return entries;
  }
}
