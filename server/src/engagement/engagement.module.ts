import { Module } from '@nestjs/common';
import { RedisChatRateLimiter, MemoryChatRateLimiter } from '../chat/chat-rate-limiter.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { REDIS, type RedisOrNull } from '../redis/redis.module.js';
import { EngagementGateway } from './engagement.gateway.js';
import { EngagementService, REACTION_RATE_LIMITER, type ReactionRateLimiter } from './engagement.service.js';
import { HAND_QUEUE_STORE, type HandQueueStore } from './hand-queue-store.js';
import { MemoryHandQueueStore } from './memory-hand-queue-store.js';
import { RedisHandQueueStore } from './redis-hand-queue-store.js';

/** Large-meeting engagement (issue 19): raise hand, reactions, join muted. Mute-all is in ModerationModule. */
@Module({
  imports: [RealtimeModule],
  providers: [
    EngagementService,
    EngagementGateway,
    {
      provide: HAND_QUEUE_STORE,
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: RedisOrNull): HandQueueStore =>
        redis ? new RedisHandQueueStore(redis, config.redisKeyPrefix) : new MemoryHandQueueStore(),
    },
    {
      provide: REACTION_RATE_LIMITER,
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: RedisOrNull): ReactionRateLimiter => {
        const { reactions, reactionWindowMs } = config.rateLimits;
        return redis
          ? new RedisChatRateLimiter(redis, config.redisKeyPrefix, reactions, reactionWindowMs, 'reaction-rate')
          : new MemoryChatRateLimiter(reactions, reactionWindowMs);
      },
    },
  ],
})
export class EngagementModule {}
