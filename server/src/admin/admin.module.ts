import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CallsModule } from '../calls/calls.module.js';
import { MediaSignalingModule } from '../media-signaling/media-signaling.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { AdminGateway } from './admin.gateway.js';
import { AdminProcessController } from './admin-process.controller.js';
import { AdminProcessService } from './admin-process.service.js';
import { AdminStatsController } from './admin-stats.controller.js';
import { AdminStatsService } from './admin-stats.service.js';
import { NodeLoadReporter } from './node-load-reporter.js';

/**
 * Admin view of the SFU (issue 7): the stats snapshot over REST and the admin:stats socket feed;
 * and the process report (issue 18) for watching a long run for leaks.
 */
@Module({
  imports: [AuthModule, CallsModule, RealtimeModule, MediaSignalingModule],
  controllers: [AdminStatsController, AdminProcessController],
  providers: [AdminStatsService, AdminProcessService, AdminGateway, NodeLoadReporter],
  exports: [AdminStatsService],
})
export class AdminModule {}
