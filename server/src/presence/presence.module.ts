import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { REDIS, type RedisOrNull } from '../redis/redis.module.js';
import { MemoryPresenceStore } from './memory-presence-store.js';
import { PRESENCE_STORE, type PresenceStore } from './presence-store.js';
import { RedisPresenceStore } from './redis-presence-store.js';

@Module({
  providers: [
    {
      provide: PRESENCE_STORE,
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: RedisOrNull): PresenceStore =>
        redis ? new RedisPresenceStore(redis, config.redisKeyPrefix) : new MemoryPresenceStore(),
    },
  ],
  exports: [PRESENCE_STORE],
})
export class PresenceModule {}
