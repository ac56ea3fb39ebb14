import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { RoomAccessService } from './room-access.service.js';
import { RoomBan } from './room-ban.entity.js';
import { RoomBansService } from './room-bans.service.js';
import { RoomEvents } from './room-events.js';
import { RoomRecordingFlags } from './room-recording-flags.js';
import { Room } from './room.entity.js';
import { RoomsController } from './rooms.controller.js';
import { RoomsService } from './rooms.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Room, RoomBan]), AuthModule, PresenceModule],
  controllers: [RoomsController],
  providers: [RoomsService, RoomBansService, RoomAccessService, RoomEvents, RoomRecordingFlags],
  exports: [RoomsService, RoomBansService, RoomAccessService, RoomEvents, RoomRecordingFlags, PresenceModule],
})
export class RoomsModule {}
