import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { RoomEvents } from './room-events.js';
import { Room } from './room.entity.js';
import { RoomsController } from './rooms.controller.js';
import { RoomsService } from './rooms.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Room]), AuthModule, PresenceModule],
  controllers: [RoomsController],
  providers: [RoomsService, RoomEvents],
  exports: [RoomsService, RoomEvents, PresenceModule],
})
export class RoomsModule {}
