import type { Redis } from 'ioredis';
import {
  parseDirectoryProducer,
  type DirectoryProducer,
  type DirectoryRef,
  type ProducerDirectory,
} from './producer-directory.js';

// Updates `paused` only if the entry is still there (a close may have removed it meanwhile).
const SET_PAUSED = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local e = cjson.decode(raw)
e.paused = (ARGV[2] == '1')
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(e))
return 1`;

/**
 * Producer directory in Redis: per room a hash producerId → entry (JSON), and per node boot a
 * set of `roomId:producerId` it wrote, so a dead boot's entries can be found and removed.
 */
export class RedisProducerDirectory implements ProducerDirectory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  #roomKey(roomId: number) {
    return `${this.prefix}:cluster:producers:room:${roomId}`;
  }

  #bootKey(nodeId: string, bootId: string) {
    return `${this.prefix}:cluster:producers:boot:${nodeId}:${bootId}`;
  }

  async add(roomId: number, entry: DirectoryProducer): Promise<void> {
    await this.redis
      .multi()
      .hset(this.#roomKey(roomId), entry.producerId, JSON.stringify(entry))
      .sadd(this.#bootKey(entry.nodeId, entry.bootId), `${roomId}:${entry.producerId}`)
      .exec();
  }

  async setPaused(roomId: number, producerId: string, paused: boolean): Promise<void> {
    await this.redis.eval(SET_PAUSED, 1, this.#roomKey(roomId), producerId, paused ? '1' : '0');
  }

  async remove(roomId: number, producerId: string): Promise<void> {
    const entry = parseDirectoryProducer(await this.redis.hget(this.#roomKey(roomId), producerId));
    const multi = this.redis.multi().hdel(this.#roomKey(roomId), producerId);
    if (entry) multi.srem(this.#bootKey(entry.nodeId, entry.bootId), `${roomId}:${producerId}`);
    await multi.exec();
  }

  async list(roomId: number): Promise<DirectoryProducer[]> {
    const raw = await this.redis.hgetall(this.#roomKey(roomId));
    const out: DirectoryProducer[] = [];
    for (const value of Object.values(raw)) {
      const e = parseDirectoryProducer(value);
      if (e) out.push(e);
    }
    return out;
  }

  async find(roomId: number, producerId: string): Promise<DirectoryProducer | undefined> {
    return parseDirectoryProducer(await this.redis.hget(this.#roomKey(roomId), producerId));
  }

  async listBoot(nodeId: string, bootId: string): Promise<DirectoryRef[]> {
    return parseBootMembers(await this.redis.smembers(this.#bootKey(nodeId, bootId)));
  }

  async removeBoot(nodeId: string, bootId: string): Promise<DirectoryRef[]> {
    const key = this.#bootKey(nodeId, bootId);
    const out = parseBootMembers(await this.redis.smembers(key));
    const multi = this.redis.multi();
    for (const { roomId, producerId } of out) multi.hdel(this.#roomKey(roomId), producerId);
    multi.del(key);
    await multi.exec();
    return out;
  }
}

/** A boot set's `roomId:producerId` members (malformed ones skipped). */
function parseBootMembers(members: string[]): DirectoryRef[] {
  const out: DirectoryRef[] = [];
  for (const m of members) {
    const i = m.indexOf(':');
    const roomId = Number(m.slice(0, i));
    const producerId = m.slice(i + 1);
    if (Number.isInteger(roomId) && producerId) out.push({ roomId, producerId });
  }
  return out;
}
