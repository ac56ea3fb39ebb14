import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { AdminCallsController } from './admin-calls.controller.js';
import { CallParticipant } from './call-participant.entity.js';
import { CallSession } from './call-session.entity.js';
import { CallSessionsService } from './call-sessions.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

@Module({
  imports: [TypeOrmModule.forFeature([CallSession, CallParticipant]), AuthModule, WebhooksModule],
  controllers: [AdminCallsController],
  providers: [CallSessionsService],
  exports: [CallSessionsService],
})
export class CallsModule {}
