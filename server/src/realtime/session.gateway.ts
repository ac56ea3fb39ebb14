import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  ClientEvent,
  ErrorCode,
  RenewSocketAuthRequest,
  type Ack,
  type RenewSocketAuthData,
} from '@minimeet/shared';
import { AuthService } from '../auth/auth.service.js';
import { AppError } from '../common/app-error.js';
import { parsePayload } from '../common/validation.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { ackContext } from './ack.js';
import { AckResponder } from './ack-responder.js';
import { SocketPrivileges } from './socket-privileges.js';
import { SocketSessions } from './socket-sessions.js';
import type { AppSocket } from './socket-types.js';

/** auth:renew: the client hands its live socket each refreshed access token. */
@WebSocketGateway()
export class SessionGateway {
  private readonly log: Logger;

  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(SocketSessions) private readonly sessions: SocketSessions,
    @Inject(SocketPrivileges) private readonly privileges: SocketPrivileges,
    @Inject(AckResponder) private readonly acks: AckResponder,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'session-gateway' });
  }

  @SubscribeMessage(ClientEvent['auth:renew'])
  renew(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() raw: unknown,
  ): Promise<Ack<RenewSocketAuthData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent['auth:renew']), async () => {
      const { accessToken } = await parsePayload(RenewSocketAuthRequest, raw);
      const { user, expiresAt, tokenVersion } = await this.auth.verifyAccess(accessToken);
      // A socket is one user's for life; another user's token does not move it.
      if (user.id !== socket.data.user.id) {
        throw new AppError(ErrorCode.FORBIDDEN, 'The token belongs to another user');
      }
      // An app's session keeps the room and grants it connected with.
      if (JSON.stringify(user.roomScope) !== JSON.stringify(socket.data.user.roomScope)) {
        throw new AppError(ErrorCode.FORBIDDEN, 'The token is for another room or other grants');
      }
      // The re-read user also carries a role changed since the handshake.
      await this.privileges.apply(socket, user.role);
      this.sessions.renew(socket, expiresAt, tokenVersion);
      return { accessTokenExpiresAt: new Date(expiresAt).toISOString() };
    });
  }
}
