import { Inject } from '@nestjs/common';
import {
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { ApiKeyStore } from '../api-keys/api-key-store.js';
import { AuthService } from '../auth/auth.service.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { SocketConnectionLimits } from './connection-caps/socket-connection-limits.js';
import { DrainState, refuseHandshakesWhileDraining } from './drain-state.js';
import { RealtimeServer } from './realtime-server.js';
import { RoomSessionService } from './room-session.service.js';
import { DependencyState } from '../dependencies/dependency-state.js';
import { installRoomScope } from './room-scope.js';
import { socketAuthMiddleware } from './socket-auth.js';
import { SocketRateLimiter } from './socket-rate-limit.js';
import { SocketSessions } from './socket-sessions.js';
import type { AppServer, AppSocket } from './socket-types.js';

/**
 * Owns the Socket.IO server's connection lifecycle: handshake auth, the session's lifetime
 * (SocketSessions), and handing disconnects to the room session. Event handlers live in feature gateways (rooms, chat, media…) on the same
 * default namespace.
 */
@WebSocketGateway()
export class ConnectionGateway
  implements OnGatewayInit<AppServer>, OnGatewayConnection<AppSocket>, OnGatewayDisconnect<AppSocket>
{
  private readonly log: Logger;

  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(ApiKeyStore) private readonly apiKeys: ApiKeyStore,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(RoomSessionService) private readonly sessions: RoomSessionService,
    @Inject(SocketRateLimiter) private readonly rateLimiter: SocketRateLimiter,
    @Inject(SocketSessions) private readonly socketSessions: SocketSessions,
    @Inject(SocketConnectionLimits) private readonly connectionLimits: SocketConnectionLimits,
    @Inject(DrainState) private readonly drain: DrainState,
    @Inject(DependencyState) private readonly dependencies: DependencyState,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'socket' });
  }

  afterInit(server: AppServer) {
    this.realtime.attach(server);
    // A stopping node sends new sockets elsewhere before anything else.
    server.use(refuseHandshakesWhileDraining(this.drain));
    // Cheapest refusal first: a handshake flood is throttled before any token is verified.
    server.use(this.connectionLimits.throttleHandshakes());
    server.use(socketAuthMiddleware(this.auth, this.dependencies));
    server.use(this.connectionLimits.capSockets());
    this.rateLimiter.install(server);
    installRoomScope(server, this.apiKeys);
  }

  async handleConnection(socket: AppSocket) {
    this.log.info({ socketId: socket.id, userId: socket.data.user.id }, 'socket connected');
    await this.socketSessions.track(socket);
  }

  handleDisconnect(socket: AppSocket) {
    // A socket refused by the middleware never got a user.
    if (!socket.data.user) return;
    this.socketSessions.untrack(socket);
    this.log.info({ socketId: socket.id, userId: socket.data.user.id }, 'socket disconnected');
    this.sessions.socketDisconnected(socket);
  }
}
