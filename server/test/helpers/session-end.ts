import type { ServerEvents } from '@minimeet/shared';
import { record, type ClientSocket } from './chat-client.js';

/** What a socket was told and why it closed: `sessionEnded` payloads and the disconnect reason. */
export interface SessionEndWatch {
  ended: ServerEvents['sessionEnded'][];
  disconnectReason: string | null;
}

export function watchSessionEnd(socket: ClientSocket): SessionEndWatch {
  const watch: SessionEndWatch = { ended: record(socket, 'sessionEnded'), disconnectReason: null };
  socket.on('disconnect', (reason) => {
    watch.disconnectReason = reason;
  });
  return watch;
}

/** The server ended it on purpose (not a network drop), after saying why. */
export function endedBecause(
  watch: SessionEndWatch,
  reason: ServerEvents['sessionEnded']['reason'],
): boolean {
  return watch.disconnectReason === 'io server disconnect' && watch.ended.some((e) => e.reason === reason);
}
