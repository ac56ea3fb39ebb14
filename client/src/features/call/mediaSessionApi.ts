/**
 * The media-session API the call state uses. The call state imports it from here only, so moving
 * the session into its own package changes this one file.
 */
import { Device } from 'mediasoup-client';
import type { Device as MediaDevice } from 'mediasoup-client/types';
import { socketSignaling, type MediaSignaling } from './mediaSignaling';

export {
  joinMediaOf,
  MediaSession,
  type MediaSink,
  type MediaStatus,
  type SinkTrack,
} from '@minimeet/media-session';
export { socketSignaling, type MediaSignaling } from './mediaSignaling';

/** How a call reaches the SFU: the signaling and the mediasoup-client Device factory (tests pass fakes). */
export interface MediaDeps {
  signaling: MediaSignaling;
  createDevice: () => MediaDevice;
}

/** The real ones: signaling over the app's socket, a browser Device. */
export function browserMediaDeps(): MediaDeps {
  return { signaling: socketSignaling, createDevice: () => new Device() };
}
