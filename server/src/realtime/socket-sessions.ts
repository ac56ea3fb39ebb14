import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { SessionEndReason } from '@minimeet/shared';
import { AuthService } from '../auth/auth.service.js';
import { DependencyState } from '../dependencies/dependency-state.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { RealtimeServer } from './realtime-server.js';
import { userChannel, type AppSocket } from './socket-types.js';

/** setTimeout's ceiling (~24.8 days); ACCESS_TOKEN_TTL_SECONDS is capped far below it anyway. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A socket lives only as long as its access token: it is disconnected when the token expires
 * unless `auth:renew` handed it a newer one, and all of a user's sockets (on every process,
 * through the user channel and the Socket.IO adapter) are ended when the user's tokens are
 * revoked. Either way the socket first gets `sessionEnded` saying why.
 */
@Injectable()
export class SocketSessions implements OnModuleDestroy {
  private readonly log: Logger;
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(DependencyState) private readonly dependencies: DependencyState,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'socket-sessions' });
  }

  /** At connection: join the user's channel and start the expiry timer. */
  async track(socket: AppSocket): Promise<void> {
    const { user, tokenVersion } = socket.data;
    await socket.join(userChannel(user.id));
    // Gone while joining: untrack already ran, a timer now would hold the socket until expiry.
    if (!socket.connected) return;
    this.scheduleExpiry(socket);
    // A revocation published between the handshake's check and the join above missed this
    // socket; one more look at the version closes that gap.
    try {
      if (!(await this.auth.isCurrentVersion(user.id, tokenVersion))) this.end(socket, 'revoked');
    } catch (err) {
      // The database is unreachable: the socket keeps its session, bounded by the token's expiry.
      if (!this.dependencies.unavailable(err))
        this.log.error({ err, socketId: socket.id, userId: user.id }, 'token version re-check failed');
    }
  }

  /** A fresh token of the same user (auth:renew): the session now ends at its expiry. */
  renew(socket: AppSocket, accessTokenExpiresAt: number, tokenVersion: number): void {
    socket.data.accessTokenExpiresAt = accessTokenExpiresAt;
    socket.data.tokenVersion = tokenVersion;
    if (socket.connected) this.scheduleExpiry(socket);
  }

  untrack(socket: AppSocket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
  }

  /** Ends every socket of the user on every process (their tokens were just revoked). */
  endUserSessions(userId: number, reason: SessionEndReason): void {
    const channel = this.realtime.io.in(userChannel(userId));
    // Emit first, then disconnect: each socket's transport flushes the event before it closes.
    channel.emit('sessionEnded', { reason });
    channel.disconnectSockets(true);
    this.log.info({ userId, reason }, 'ended every socket of the user');
  }

  private end(socket: AppSocket, reason: SessionEndReason): void {
    socket.emit('sessionEnded', { reason });
    socket.disconnect(true);
  }

  onModuleDestroy(): void {
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  private scheduleExpiry(socket: AppSocket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    const delay = Math.min(Math.max(socket.data.accessTokenExpiresAt - Date.now(), 0), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.expiryTimers.delete(socket.id);
      this.log.info(
        { socketId: socket.id, userId: socket.data.user.id },
        'access token expired: socket ended',
      );
      this.end(socket, 'expired');
    }, delay);
    timer.unref();
    this.expiryTimers.set(socket.id, timer);
  }
}
