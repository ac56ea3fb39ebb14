import { ErrorCode } from '@minimeet/shared';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../common/app-error.js';

/** Injection token for ClusterLocks (Redis when REDIS_URL is set, else a no-op for one node). */
export const CLUSTER_LOCKS = Symbol('CLUSTER_LOCKS');

/**
 * Short mutual exclusion between nodes. Callers still serialise work on their own node first
 * (a KeyedSerialQueue), so a lock is only ever contended by other nodes.
 */
export interface ClusterLocks {
  /**
   * Runs `work` while holding `key` on every node. The lock lapses after `ttlMs` if its holder
   * dies; `work` must finish well within that.
   */
  withLock<T>(key: string, ttlMs: number, work: () => Promise<T>): Promise<T>;
}

/** A cluster of one: the caller's own serial queue is all the exclusion there is to have. */
export class LocalClusterLocks implements ClusterLocks {
  withLock<T>(_key: string, _ttlMs: number, work: () => Promise<T>): Promise<T> {
    return work();
  }
}

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Retries start at 1 ms and back off to this: locks are held for one DB insert and a publish. */
const MAX_RETRY_MS = 20;

/** SET NX PX lock with a random token, released only by its holder. */
export class RedisClusterLocks implements ClusterLocks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async withLock<T>(key: string, ttlMs: number, work: () => Promise<T>): Promise<T> {
    const lockKey = `${this.prefix}:cluster:lock:${key}`;
    const token = randomUUID();
    const deadline = Date.now() + ttlMs;
    let wait = 1;
    while ((await this.#trySet(lockKey, token, ttlMs)) !== 'OK') {
      if (Date.now() > deadline) {
        // Its holder is slow or gone (the lock lapses within ttlMs): worth retrying.
        throw new AppError(ErrorCode.UNAVAILABLE, `Cluster lock ${key} still busy after ${ttlMs} ms`, {
          retryAfterMs: ttlMs,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(MAX_RETRY_MS, wait * 2);
    }
    try {
      return await work();
    } finally {
      await this.redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
    }
  }

  /**
   * SET NX PX; when it fails (timed out on a Redis that stopped answering) the SET may still
   * run once Redis resumes, leaving a lock nobody holds for ttlMs: the RELEASE sent right after
   * it on the same connection runs after it and removes it.
   */
  async #trySet(lockKey: string, token: string, ttlMs: number): Promise<string | null> {
    try {
      return await this.redis.set(lockKey, token, 'PX', ttlMs, 'NX');
    } catch (err) {
      this.redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
      throw err;
    }
  }
}
