import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG } from '../config/config.module.js';
import { redisReconnectDelayMs } from '../common/dependency-errors.js';
import type { AppConfig } from '../config/env.schema.js';

/** Injection token: the shared ioredis client, or null when REDIS_URL is not set. */
export const REDIS = Symbol('REDIS');

export type RedisOrNull = Redis | null;

/** One command connection per app instance (pub/sub for Socket.IO gets its own, see realtime). */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<RedisOrNull> => {
        if (!config.redisUrl) return null;
        const client = new Redis(config.redisUrl, {
          lazyConnect: true,
          // While Redis is down a command fails at once (the caller answers UNAVAILABLE) instead
          // of waiting in ioredis's offline queue for the whole outage; one sent just before the
          // connection dropped is retried once after a reconnect, and none waits longer than
          // the command timeout (a Redis that accepts but does not answer).
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          commandTimeout: config.redisCommandTimeoutMs,
          retryStrategy: redisReconnectDelayMs,
        });
        // Outages are logged once by DependencyState; without a listener ioredis prints every
        // failed reconnect attempt as an unhandled 'error'.
        client.on('error', () => undefined);
        // Fail at start on a wrong REDIS_URL instead of queueing commands forever.
        await client.connect();
        return client;
      },
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisOrNull) {}

  async onApplicationShutdown() {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
