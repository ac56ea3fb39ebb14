import { ErrorCode } from '@minimeet/shared';
import type { types } from 'mediasoup';
import { AppError } from '../common/app-error.js';
import type { PeerMedia } from './peer-media.js';

/**
 * The cap on a peer's open video consumers (VIDEO_CONSUMERS_PER_PEER_MAX): with K audio it bounds
 * the server's consumers by participants × (cap + K) whatever a client asks. Before a consume,
 * `made` unset: refuses when the peer already holds `max`. After one, `made` is the new consumer
 * (counted): concurrent consumes all passed the first check, so one over the cap is closed again.
 */
export function assertVideoConsumerRoom(
  peer: PeerMedia,
  max: number | undefined,
  made?: types.Consumer,
): void {
  if (max === undefined) return;
  let open = 0;
  for (const c of peer.consumers.values()) if (c.kind === 'video' && !c.closed) open++;
  if (open < max + (made ? 1 : 0)) return;
  made?.close();
  throw new AppError(
    ErrorCode.TOO_MANY_CONSUMERS,
    `At most ${max} video consumers at once: close those off your page before consuming more`,
  );
}
