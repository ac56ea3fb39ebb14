import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { MediaSignalingGateway } from './media-signaling.gateway.js';
import { MediaSignalingService } from './media-signaling.service.js';

/** SFU signaling (issue 4): Socket.IO gateway + the service mapping connections to room media. */
@Module({
  imports: [RealtimeModule],
  providers: [MediaSignalingService, MediaSignalingGateway],
  exports: [MediaSignalingService],
})
export class MediaSignalingModule {}
