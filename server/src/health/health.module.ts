import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { HealthAccess } from './health-access.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

@Module({
  imports: [AuthModule, RealtimeModule],
  controllers: [HealthController],
  providers: [HealthService, HealthAccess],
})
export class HealthModule {}
