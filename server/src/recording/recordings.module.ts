import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { MediaSignalingModule } from '../media-signaling/media-signaling.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { COMPOSITE_BUILDER } from './composite-builder.token.js';
import { FfmpegCompositeBuilder } from './composite/ffmpeg-composite-builder.js';
import { RecordingCaptures } from './recording-captures.js';
import { RecordingControl } from './recording-control.js';
import { RecordingProcessor } from './recording-processor.js';
import { Recording } from './recording.entity.js';
import { RecordingsController } from './recordings.controller.js';
import { RecordingsGateway } from './recordings.gateway.js';
import { RecordingsMaintenance } from './recordings-maintenance.js';
import { RecordingsService } from './recordings.service.js';

/** Recording calls (issue 21 item 2): capture, processing into storage, REST, limits and faults. */
@Module({
  imports: [TypeOrmModule.forFeature([Recording]), AuthModule, RoomsModule, RealtimeModule, MediaSignalingModule, WebhooksModule],
  controllers: [RecordingsController],
  providers: [
    RecordingCaptures,
    RecordingProcessor,
    RecordingControl,
    RecordingsService,
    RecordingsMaintenance,
    RecordingsGateway,
    {
      provide: COMPOSITE_BUILDER,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: Logger) =>
        new FfmpegCompositeBuilder({ ffmpegPath: config.ffmpegPath, logger: logger.child({ context: 'recording-composite' }) }),
    },
  ],
  exports: [RecordingControl, RecordingsService],
})
export class RecordingsModule {}
