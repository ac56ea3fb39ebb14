import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { MediaSignalingModule } from '../media-signaling/media-signaling.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { COMPOSITE_BUILDER } from './composite-builder.token.js';
import { RecordingCaptures } from './recording-captures.js';
import { RecordingControl } from './recording-control.js';
import { RecordingProcessor } from './recording-processor.js';
import { Recording } from './recording.entity.js';
import { RecordingsController } from './recordings.controller.js';
import { RecordingsGateway } from './recordings.gateway.js';
import { RecordingsMaintenance } from './recordings-maintenance.js';
import { RecordingsService } from './recordings.service.js';
import { UnavailableCompositeBuilder } from './unavailable-composite-builder.js';

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
    { provide: COMPOSITE_BUILDER, useClass: UnavailableCompositeBuilder },
  ],
  exports: [RecordingControl, RecordingsService],
})
export class RecordingsModule {}
