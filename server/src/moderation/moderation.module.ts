import { Module } from '@nestjs/common';
import { MediaSignalingModule } from '../media-signaling/media-signaling.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { ModerationGateway } from './moderation.gateway.js';
import { ModerationService } from './moderation.service.js';

/** Live moderation (issue 11): mute, remove, end call. Room settings are REST in RoomsModule. */
@Module({
  imports: [RealtimeModule, MediaSignalingModule],
  providers: [ModerationService, ModerationGateway],
  exports: [ModerationService],
})
export class ModerationModule {}
