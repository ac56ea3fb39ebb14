import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AccountModule } from './account/account.module.js';
import { AdminModule } from './admin/admin.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { GuestsModule } from './guests/guests.module.js';
import { AttachmentsModule } from './attachments/attachments.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CallsModule } from './calls/calls.module.js';
import { ChatModule } from './chat/chat.module.js';
import { ClusterModule } from './cluster/cluster.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/env.schema.js';
import { DatabaseModule } from './database/database.module.js';
import { DrainModule } from './drain/drain.module.js';
import { DependenciesModule } from './dependencies/dependencies.module.js';
import { EmbedModule } from './embed/embed.module.js';
import { EngagementModule } from './engagement/engagement.module.js';
import { HealthModule } from './health/health.module.js';
import { HttpHardeningModule } from './http-hardening/http-hardening.module.js';
import { LoggerModule } from './logging/logger.module.js';
import { LobbyModule } from './lobby/lobby.module.js';
import { MediaModule } from './media/media.module.js';
import { MediaSignalingModule } from './media-signaling/media-signaling.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ModerationModule } from './moderation/moderation.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { RecordingsModule } from './recording/recordings.module.js';
import { RedisModule } from './redis/redis.module.js';
import { RoomsModule } from './rooms/rooms.module.js';
import { StorageModule } from './storage/storage.module.js';
import { WebinarModule } from './webinar/webinar.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        MediaModule,
        HealthModule,
        HttpHardeningModule,
        LoggerModule,
        RedisModule,
        DependenciesModule,
        ClusterModule,
        AuthModule,
        AccountModule,
        RoomsModule,
        CallsModule,
        RealtimeModule,
        StorageModule,
        AttachmentsModule,
        ChatModule,
        MediaSignalingModule,
        DrainModule,
        ModerationModule,
        ApiKeysModule,
        GuestsModule,
        EmbedModule,
        EngagementModule,
        WebinarModule,
        LobbyModule,
        RecordingsModule,
        AdminModule,
        MetricsModule,
      ],
      // Every REST error leaves in the shared { statusCode, error: { code, message } } shape.
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
