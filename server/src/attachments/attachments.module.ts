import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { MemoryChatRateLimiter, RedisChatRateLimiter } from '../chat/chat-rate-limiter.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { REDIS, type RedisOrNull } from '../redis/redis.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { Attachment } from './attachment.entity.js';
import { AttachmentsCleanup } from './attachments-cleanup.js';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsService } from './attachments.service.js';
import { MessageAttachments } from './message-attachments.js';
import { Thumbnailer } from './thumbnailer.js';
import { UPLOAD_RATE_LIMITER, type UploadRateLimiter } from './upload-rate-limiter.js';

const MINUTE_MS = 60_000;

/** Files in chat: upload, download, thumbnails, and their end with the room (issue 21). */
@Module({
  imports: [TypeOrmModule.forFeature([Attachment]), AuthModule, RoomsModule],
  controllers: [AttachmentsController],
  providers: [
    AttachmentsService,
    AttachmentsCleanup,
    MessageAttachments,
    Thumbnailer,
    {
      provide: UPLOAD_RATE_LIMITER,
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: RedisOrNull): UploadRateLimiter => {
        const perMinute = config.attachments.uploadsPerMinute;
        return redis
          ? new RedisChatRateLimiter(redis, config.redisKeyPrefix, perMinute, MINUTE_MS, 'upload-rate')
          : new MemoryChatRateLimiter(perMinute, MINUTE_MS);
      },
    },
  ],
  exports: [MessageAttachments],
})
export class AttachmentsModule {}
