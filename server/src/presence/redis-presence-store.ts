import type { Participant } from '@minimeet/shared';
import type { Redis } from 'ioredis';
import { sortParticipants, type AddSocketOutcome, type PresenceStore } from './presence-store.js';

// Keys per room: <prefix>:presence:<roomId>:users (hash userId → username) and
// <prefix>:presence:<roomId>:sockets:<userId> (set of socket ids). Each operation is one Lua
// script so concurrent processes never see a half-applied change.

const ADD_SOCKET = `
local present = redis.call('HEXISTS', KEYS[1], ARGV[1])
if present == 0 then
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return -1 end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
redis.call('SADD', KEYS[2], ARGV[3])
if present == 0 then return 1 end
return 0`;

const REMOVE_SOCKET = `
redis.call('SREM', KEYS[1], ARGV[1])
return redis.call('SCARD', KEYS[1])`;

const REMOVE_IF_IDLE = `
if redis.call('SCARD', KEYS[2]) > 0 then return 0 end
return redis.call('HDEL', KEYS[1], ARGV[1])`;

const CLEAR_ROOM = `
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do redis.call('DEL', ARGV[1] .. all[i]) end
redis.call('DEL', KEYS[1])
return all`;

export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private usersKey(roomId: number) {
    return `${this.prefix}:presence:${roomId}:users`;
  }
  private socketsPrefix(roomId: number) {
    return `${this.prefix}:presence:${roomId}:sockets:`;
  }
  private socketsKey(roomId: number, userId: number) {
    return this.socketsPrefix(roomId) + userId;
  }

  async addSocket(
    roomId: number,
    user: Participant,
    socketId: string,
    maxParticipants: number,
  ): Promise<AddSocketOutcome> {
    const result = await this.redis.eval(
      ADD_SOCKET,
      2,
      this.usersKey(roomId),
      this.socketsKey(roomId, user.userId),
      String(user.userId),
      user.username,
      socketId,
      String(maxParticipants),
    );
    if (result === -1) return { admitted: false };
    return { admitted: true, userAdded: result === 1 };
  }

  async removeSocket(roomId: number, userId: number, socketId: string): Promise<number> {
    return Number(await this.redis.eval(REMOVE_SOCKET, 1, this.socketsKey(roomId, userId), socketId));
  }

  async removeUserIfIdle(roomId: number, userId: number): Promise<boolean> {
    const removed = await this.redis.eval(
      REMOVE_IF_IDLE,
      2,
      this.usersKey(roomId),
      this.socketsKey(roomId, userId),
      String(userId),
    );
    return Number(removed) === 1;
  }

  async participants(roomId: number): Promise<Participant[]> {
    return toParticipants(await this.redis.hgetall(this.usersKey(roomId)));
  }

  async counts(roomIds: number[]): Promise<Map<number, number>> {
    if (!roomIds.length) return new Map();
    const pipeline = this.redis.pipeline();
    for (const id of roomIds) pipeline.hlen(this.usersKey(id));
    const results = (await pipeline.exec()) ?? [];
    return new Map(roomIds.map((id, i) => [id, Number(results[i]?.[1] ?? 0)]));
  }

  async clearRoom(roomId: number): Promise<Participant[]> {
    const flat = (await this.redis.eval(
      CLEAR_ROOM,
      1,
      this.usersKey(roomId),
      this.socketsPrefix(roomId),
    )) as string[];
    const hash: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
    return toParticipants(hash);
  }
}

function toParticipants(hash: Record<string, string>): Participant[] {
  return sortParticipants(
    Object.entries(hash).map(([userId, username]) => ({ userId: Number(userId), username })),
  );
}
