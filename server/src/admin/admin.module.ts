import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CallsModule } from '../calls/calls.module.js';
import { MediaSignalingModule } from '../media-signaling/media-signaling.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { AdminGateway } from './admin.gateway.js';
import { AdminStatsController } from './admin-stats.controller.js';
import { AdminStatsService } from './admin-stats.service.js';
import { NodeLoadReporter } from './node-load-reporter.js';

/** Admin view of the SFU (issue 7): the stats snapshot over REST and the admin:stats socket feed. */
@Module({
  imports: [AuthModule, CallsModule, RealtimeModule, MediaSignalingModule],
  controllers: [AdminStatsController],
  providers: [AdminStatsService, AdminGateway, NodeLoadReporter],
  exports: [AdminStatsService],
})
export class AdminModule {}
