import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CallsModule } from '../calls/calls.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { REDIS, type RedisOrNull } from '../redis/redis.module.js';
import { AckResponder } from './ack-responder.js';
import { ApiKeyRevocationSweep } from './api-key-revocation-sweep.js';
import {
  CONNECTION_SLOTS,
  MemoryConnectionSlots,
  type ConnectionSlots,
} from './connection-caps/connection-slots.js';
import { RedisConnectionSlots } from './connection-caps/redis-connection-slots.js';
import { SocketConnectionLimits } from './connection-caps/socket-connection-limits.js';
import { ConnectionGateway } from './connection.gateway.js';
import { DrainState } from './drain-state.js';
import { ParticipantDeltaDelivery } from './participant-delta-delivery.js';
import { PresenceRestorer } from './presence-restorer.js';
import { PresenceSweeper } from './presence-sweeper.js';
import { RealtimeServer } from './realtime-server.js';
import { RoomSessionService } from './room-session.service.js';
import { RoomsGateway } from './rooms.gateway.js';
import { SocketRateLimiter } from './socket-rate-limit.js';
import { SessionGateway } from './session.gateway.js';
import { SocketPrivileges } from './socket-privileges.js';
import { SocketSessions } from './socket-sessions.js';

/**
 * Socket.IO transport: connection auth, room joins/leaves, participant snapshots and deltas. Feature
 * gateways (chat, media signaling) import this module for RealtimeServer and RoomSessionService.
 */
@Module({
  imports: [AuthModule, RoomsModule, CallsModule],
  providers: [
    RealtimeServer,
    DrainState,
    RoomSessionService,
    ParticipantDeltaDelivery,
    PresenceSweeper,
    PresenceRestorer,
    AckResponder,
    SocketRateLimiter,
    {
      provide: CONNECTION_SLOTS,
      inject: [APP_CONFIG, REDIS],
      // Slots expire unless this process renews them, so a dead node's sockets stop counting.
      useFactory: (config: AppConfig, redis: RedisOrNull): ConnectionSlots =>
        redis
          ? new RedisConnectionSlots(redis, config.redisKeyPrefix, randomUUID(), config.cluster.nodeTtlMs)
          : new MemoryConnectionSlots(),
    },
    SocketConnectionLimits,
    SocketSessions,
    SocketPrivileges,
    ApiKeyRevocationSweep,
    ConnectionGateway,
    RoomsGateway,
    SessionGateway,
  ],
  exports: [RealtimeServer, DrainState, RoomSessionService, AckResponder, SocketSessions, SocketPrivileges, RoomsModule],
})
export class RealtimeModule {}
