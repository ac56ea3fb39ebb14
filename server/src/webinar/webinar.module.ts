import { Module } from '@nestjs/common';
import { MediaSignalingModule } from '../media-signaling/media-signaling.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { StageGateway } from './stage.gateway.js';
import { StageService } from './stage.service.js';

/** Webinars (issue 19): the stage (setStage). Roles are given at join (JoinAdmission). */
@Module({
  imports: [RealtimeModule, MediaSignalingModule],
  providers: [StageService, StageGateway],
})
export class WebinarModule {}
