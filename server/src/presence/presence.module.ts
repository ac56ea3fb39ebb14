import { Module } from '@nestjs/common';
import { NODE_REGISTRY, type NodeRegistry } from '../cluster/node-registry.js';
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
      inject: [APP_CONFIG, REDIS, NODE_REGISTRY],
      // Entries are owned by this node boot, so a sweep can remove them if the node dies.
      useFactory: (config: AppConfig, redis: RedisOrNull, registry: NodeRegistry): PresenceStore =>
        redis
          ? new RedisPresenceStore(redis, config.redisKeyPrefix, {
              nodeId: registry.self.id,
              bootId: registry.self.bootId,
            })
          : new MemoryPresenceStore(registry.self.id),
    },
  ],
  exports: [PRESENCE_STORE],
})
export class PresenceModule {}
