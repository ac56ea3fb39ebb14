import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { MemoryChatRateLimiter, RedisChatRateLimiter } from '../chat/chat-rate-limiter.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { PresenceModule } from '../presence/presence.module.js';
import { REDIS, type RedisOrNull } from '../redis/redis.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { GuestAuthController } from './guest-auth.controller.js';
import { GuestAuthService } from './guest-auth.service.js';
import { GUEST_LOGIN_LIMITER, GUEST_LOGIN_WINDOW_MS, type GuestLoginLimiter } from './guest-login-limiter.js';

/** Guests by link: POST /api/auth/guest and /api/auth/guest/renew (see README.md here). */
@Module({
  imports: [AuthModule, RoomsModule, PresenceModule],
  controllers: [GuestAuthController],
  providers: [
    GuestAuthService,
    {
      provide: GUEST_LOGIN_LIMITER,
      inject: [APP_CONFIG, REDIS],
      // Shared by every node when Redis is configured, so a cluster does not multiply the limit.
      useFactory: (config: AppConfig, redis: RedisOrNull): GuestLoginLimiter => {
        const limit = config.rateLimits.guestLoginsPerMinute;
        return redis
          ? new RedisChatRateLimiter(redis, config.redisKeyPrefix, limit, GUEST_LOGIN_WINDOW_MS, 'guest-login')
          : new MemoryChatRateLimiter(limit, GUEST_LOGIN_WINDOW_MS);
      },
    },
  ],
})
export class GuestsModule {}
