import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { GuestAuthController } from './guest-auth.controller.js';
import { GuestAuthService } from './guest-auth.service.js';

/** Guests by link: POST /api/auth/guest and /api/auth/guest/renew (see README.md here). */
@Module({
  imports: [AuthModule, RoomsModule, PresenceModule],
  controllers: [GuestAuthController],
  providers: [GuestAuthService],
})
export class GuestsModule {}
