/**
 * Moving a live socket to another server node (after `serverDraining`) without a new socket: the
 * socket's Manager reconnects as after a dropped connection, so the peer's usual reconnect path
 * (joinRoom again, the media session resumes or rebuilds) runs unchanged.
 */
import { ErrorCode, type ConnectionRefusedData } from '@minimeet/shared';
import type { SignalingSocket } from '@minimeet/media-session';

/** Points the socket's next (re)connections at `url` (socket.io keeps the URL in its Manager). */
export function retargetSocket(socket: SignalingSocket, url: string): void {
  // socket.io-client declares the Manager's uri private; each reconnect opens an engine on it.
  (socket.io as unknown as { uri: string }).uri = url;
}

/** Drops the connection so the Manager reconnects by itself (its 'reconnect' event follows). */
export function forceReconnect(socket: SignalingSocket): void {
  const engine = (socket.io as unknown as { engine?: { close(): void } }).engine;
  if (engine) engine.close();
  else socket.connect();
}

/**
 * How long to wait before trying a handshake a draining node refused again (connect_error
 * UNAVAILABLE; socket.io does not retry a refusal of its middleware by itself); undefined when
 * the error is not such a refusal.
 */
export function unavailableRetryMs(
  err: Error & { data?: Partial<ConnectionRefusedData> },
): number | undefined {
  if (err.message !== ErrorCode.UNAVAILABLE) return undefined;
  const ms = err.data?.retryAfterMs;
  return typeof ms === 'number' && ms >= 0 ? Math.min(ms, 30_000) : 1000;
}
