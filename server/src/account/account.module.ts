import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';

/** Logout everywhere, password change, account removal: token revocation plus socket shutdown. */
@Module({
  imports: [AuthModule, RealtimeModule],
  controllers: [AccountController],
  providers: [AccountService],
})
export class AccountModule {}
