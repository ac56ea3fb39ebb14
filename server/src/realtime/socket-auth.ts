import {
  ErrorCode,
  isCompatibleProtocol,
  PROTOCOL_VERSION,
  SOCKET_PROTOCOL_MISMATCH,
  SOCKET_UNAUTHORIZED,
  type ConnectionRefusedData,
  type ProtocolMismatchData,
} from '@minimeet/shared';
import type { ExtendedError } from 'socket.io';
import type { AuthService } from '../auth/auth.service.js';
import { AppError } from '../common/app-error.js';
import type { DependencyState } from '../dependencies/dependency-state.js';
import type { AppSocket } from './socket-types.js';

/**
 * Socket.IO middleware: the handshake must carry `auth: { token, protocolVersion }` with a
 * protocol version compatible with this server's, else the client gets connect_error
 * "PROTOCOL_MISMATCH" (both versions in its data), and a valid access token, else connect_error
 * "unauthorized" — unless the database could not be asked: then "UNAVAILABLE" (retry; the token
 * is not known to be bad). No handler ever sees a refused socket.
 */
export function socketAuthMiddleware(auth: AuthService, dependencies: DependencyState) {
  return (socket: AppSocket, next: (err?: ExtendedError) => void) => {
    const raw: unknown = socket.handshake.auth;
    const given = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    // Checked first: an out-of-date client must be told to reload, whatever its token.
    if (!isCompatibleProtocol(given.protocolVersion)) {
      next(protocolMismatch(given.protocolVersion));
      return;
    }
    const token = given.token;
    dependencies
      .withinDeadline(auth.verifyAccess(typeof token === 'string' ? token : undefined))
      .then(({ user, expiresAt, tokenVersion }) => {
        socket.data.user = user;
        socket.data.joinedRooms = new Set();
        socket.data.adminOnlyRooms = new Set();
        socket.data.accessTokenExpiresAt = expiresAt;
        socket.data.tokenVersion = tokenVersion;
        next();
      })
      .catch((err: unknown) => {
        // Database down (an error) or hung (the deadline's refusal): not the token's fault.
        const timedOut = err instanceof AppError && err.code === ErrorCode.UNAVAILABLE;
        const refusal = timedOut ? err : dependencies.unavailable(err);
        if (!refusal) return next(new Error(SOCKET_UNAUTHORIZED));
        const data: ConnectionRefusedData = {
          code: ErrorCode.UNAVAILABLE,
          message: refusal.message,
          retryAfterMs: dependencies.retryAfterMs,
        };
        next(Object.assign(new Error(ErrorCode.UNAVAILABLE), { data }));
      });
  };
}

function protocolMismatch(sent: unknown): ExtendedError {
  const clientVersion = typeof sent === 'string' ? sent.slice(0, 20) : null;
  const data: ProtocolMismatchData = {
    code: SOCKET_PROTOCOL_MISMATCH,
    serverVersion: PROTOCOL_VERSION,
    clientVersion,
    message: `Client protocol ${clientVersion ?? 'none'} is not compatible with server protocol ${PROTOCOL_VERSION}: reload the app`,
  };
  return Object.assign(new Error(SOCKET_PROTOCOL_MISMATCH), { data });
}
