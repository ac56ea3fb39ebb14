import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { REDIS, type RedisOrNull } from '../redis/redis.module.js';
import {
  CHAT_RATE_LIMITER,
  MemoryChatRateLimiter,
  RedisChatRateLimiter,
  type ChatRateLimiter,
} from './chat-rate-limiter.js';
import { ChatDelivery } from './chat-delivery.js';
import { ChatGateway } from './chat.gateway.js';
import { ChatService } from './chat.service.js';
import { Message } from './message.entity.js';
import { MessagesController } from './messages.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([Message]), AuthModule, RealtimeModule, AttachmentsModule],
  controllers: [MessagesController],
  providers: [
    ChatService,
    ChatDelivery,
    ChatGateway,
    {
      provide: CHAT_RATE_LIMITER,
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: RedisOrNull): ChatRateLimiter => {
        const { chatMessages, chatWindowMs } = config.rateLimits;
        return redis
          ? new RedisChatRateLimiter(redis, config.redisKeyPrefix, chatMessages, chatWindowMs)
          : new MemoryChatRateLimiter(chatMessages, chatWindowMs);
      },
    },
  ],
})
export class ChatModule {}
