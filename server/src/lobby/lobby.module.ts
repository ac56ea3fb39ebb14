import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { REDIS, type RedisOrNull } from '../redis/redis.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { LobbyGateway } from './lobby.gateway.js';
import { LOBBY_STORE, type LobbyStore } from './lobby-store.js';
import { LobbyService } from './lobby.service.js';
import { MemoryLobbyStore } from './memory-lobby-store.js';
import { RedisLobbyStore } from './redis-lobby-store.js';

/** The lobby (waiting room, issue 20): see README.md here. */
@Module({
  imports: [RealtimeModule, WebhooksModule],
  providers: [
    {
      provide: LOBBY_STORE,
      inject: [APP_CONFIG, REDIS],
      // A waiting socket's record expires unless its process renews it, so a dead node's waiters leave.
      useFactory: (config: AppConfig, redis: RedisOrNull): LobbyStore =>
        redis ? new RedisLobbyStore(redis, config.redisKeyPrefix, config.cluster.nodeTtlMs) : new MemoryLobbyStore(),
    },
    LobbyService,
    LobbyGateway,
  ],
})
export class LobbyModule {}
