import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CallsModule } from '../calls/calls.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { AckResponder } from './ack-responder.js';
import { ConnectionGateway } from './connection.gateway.js';
import { PresenceSweeper } from './presence-sweeper.js';
import { RealtimeServer } from './realtime-server.js';
import { RoomSessionService } from './room-session.service.js';
import { RoomsGateway } from './rooms.gateway.js';
import { SocketRateLimiter } from './socket-rate-limit.js';
import { SessionGateway } from './session.gateway.js';
import { SocketPrivileges } from './socket-privileges.js';
import { SocketSessions } from './socket-sessions.js';

/**
 * Socket.IO transport: connection auth, room joins/leaves, presence broadcasts. Feature
 * gateways (chat, media signaling) import this module for RealtimeServer and RoomSessionService.
 */
@Module({
  imports: [AuthModule, RoomsModule, CallsModule],
  providers: [
    RealtimeServer,
    RoomSessionService,
    PresenceSweeper,
    AckResponder,
    SocketRateLimiter,
    SocketSessions,
    SocketPrivileges,
    ConnectionGateway,
    RoomsGateway,
    SessionGateway,
  ],
  exports: [RealtimeServer, RoomSessionService, AckResponder, SocketSessions, SocketPrivileges, RoomsModule],
})
export class RealtimeModule {}
