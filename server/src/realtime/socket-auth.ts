import { SOCKET_UNAUTHORIZED } from '@minimeet/shared';
import type { AuthService } from '../auth/auth.service.js';
import type { AppSocket } from './socket-types.js';

/**
 * Socket.IO middleware: the handshake must carry `auth: { token }` with a valid access token,
 * else the client gets connect_error "unauthorized" and no handler ever sees the socket.
 */
export function socketAuthMiddleware(auth: AuthService) {
  return (socket: AppSocket, next: (err?: Error) => void) => {
    const raw: unknown = socket.handshake.auth;
    const token = typeof raw === 'object' && raw !== null ? (raw as { token?: unknown }).token : undefined;
    auth
      .verifyAccess(typeof token === 'string' ? token : undefined)
      .then(({ user, expiresAt, tokenVersion }) => {
        socket.data.user = user;
        socket.data.joinedRooms = new Set();
        socket.data.accessTokenExpiresAt = expiresAt;
        socket.data.tokenVersion = tokenVersion;
        next();
      })
      .catch(() => next(new Error(SOCKET_UNAUTHORIZED)));
  };
}
