import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { ApiKeyAppsService } from './api-key-apps.service.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiV1RoomsController } from './api-v1-rooms.controller.js';
import { ExternalAuthController } from './external-auth.controller.js';

/** Apps with an API key: POST /api/auth/external and the /api/v1 REST surface. */
@Module({
  imports: [AuthModule, RoomsModule, ModerationModule],
  controllers: [ExternalAuthController, ApiV1RoomsController],
  providers: [ApiKeyAppsService, ApiKeyGuard],
})
export class ApiKeysModule {}
