import { ErrorCode, type Ack, type RoomScope, type WireError } from '@minimeet/shared';
import type { ApiKeyStore } from '../api-keys/api-key-store.js';
import type { AppServer, AppSocket } from './socket-types.js';

/** Events an app's room-limited session may never send. */
const NEVER: ReadonlySet<string> = new Set(['admin:subscribe', 'admin:unsubscribe']);

function field(payload: unknown, name: string): unknown {
  return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[name] : undefined;
}

/** Why this event is refused to a session limited to `scope`, or null when it may go on. */
export function scopeRefusal(scope: RoomScope, event: string, payload: unknown): WireError | null {
  if (NEVER.has(event)) return { code: ErrorCode.FORBIDDEN, message: 'Not allowed with a room token' };
  const roomId = field(payload, 'roomId');
  // Another room is answered as if it did not exist: a room token enumerates nothing.
  if (roomId !== undefined && roomId !== scope.roomId) return { code: ErrorCode.NOT_FOUND, message: 'Room not found' };
  const direction = field(payload, 'direction');
  const sends = event === 'produce' || (event === 'createWebRtcTransport' && direction === 'send');
  if (sends && !scope.grants.publish)
    return { code: ErrorCode.NOT_ON_STAGE, message: 'This token has no publish grant: it only receives' };
  const receives = event === 'consume' || (event === 'createWebRtcTransport' && direction === 'recv');
  if (receives && !scope.grants.subscribe)
    return { code: ErrorCode.FORBIDDEN, message: 'This token has no subscribe grant' };
  return null;
}

/**
 * A socket of an app's user (token minted with an API key) acts only in its one room and only
 * as its grants allow: every other event is answered with the refusal before any handler runs.
 * Media events name no room but act on transports of rooms joined, so the join check covers them.
 */
export function installRoomScope(server: AppServer, keys: ApiKeyStore): void {
  server.on('connection', (socket: AppSocket) => {
    const scope = socket.data.user.roomScope;
    if (!scope) return;
    socket.use((packet, next) => {
      const [event, payload] = packet;
      const answer = (refusal: WireError) => {
        const ack = packet[packet.length - 1];
        if (typeof ack === 'function') (ack as (answer: Ack<never>) => void)({ ok: false, error: refusal });
      };
      const refusal = scopeRefusal(scope, String(event), payload);
      if (refusal) return answer(refusal);
      // A revoked key's session acts no more, even before the sweep ends the socket.
      if (!scope.apiKeyId) return next();
      keys.revokedAmong([scope.apiKeyId]).then(
        (revoked) =>
          revoked.size ? answer({ code: ErrorCode.UNAUTHORIZED, message: 'The API key of this session was revoked' }) : next(),
        () => answer({ code: ErrorCode.UNAVAILABLE, message: 'Could not check the session, try again' }),
      );
    });
  });
}
