import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { DrainService } from './drain.service.js';

/** The graceful stop of a node (SIGTERM / SIGINT): drain, then close. See drain.service.ts. */
@Module({
  imports: [RealtimeModule],
  providers: [DrainService],
  exports: [DrainService],
})
export class DrainModule {}
