/**
 * The media session's signaling over the app's one socket (lib/socket: survives reconnects and
 * token renewals, which a bare socket.io-client socket handed to the package's adapter would not).
 */
import type { MediaSignaling } from '@minimeet/media-session';
import { onServerEvent, request } from '../../lib/socket';

export type { MediaEventName, MediaRequestName, MediaSignaling } from '@minimeet/media-session';

export const socketSignaling: MediaSignaling = {
  // Generous: a busy server (or a busy test machine) may take a while to set up media.
  request: (event, payload) => request(event, payload, { timeoutMs: 20_000 }),
  on: (event, handler) => onServerEvent(event, handler as never),
};
