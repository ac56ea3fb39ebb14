/**
 * The SFU signaling the media session speaks (issue 4), over the app's one socket.
 * The session depends on the `MediaSignaling` interface only, so unit tests pass a fake.
 */
import type { RequestOf, ResponseOf, ServerEvents } from '@minimeet/shared';
import { onServerEvent, request } from '../../lib/socket';

export type MediaRequestName =
  | 'createWebRtcTransport'
  | 'connectWebRtcTransport'
  | 'restartIce'
  | 'produce'
  | 'pauseProducer'
  | 'resumeProducer'
  | 'closeProducer'
  | 'consume'
  | 'pauseConsumer'
  | 'resumeConsumer'
  | 'setConsumerLayers';

export type MediaEventName =
  | 'newProducer'
  | 'producerPaused'
  | 'producerResumed'
  | 'producerClosed'
  | 'consumerClosed'
  | 'activeSpeaker'
  | 'producerScore'
  | 'consumerScore'
  | 'mediaReset';

export interface MediaSignaling {
  request<E extends MediaRequestName>(event: E, payload: RequestOf<E>): Promise<ResponseOf<E>>;
  on<E extends MediaEventName>(event: E, handler: (payload: ServerEvents[E]) => void): () => void;
}

/** The real signaling: the typed socket service. */
export const socketSignaling: MediaSignaling = {
  // Generous: a busy server (or a busy test machine) may take a while to set up media.
  request: (event, payload) => request(event, payload, { timeoutMs: 20_000 }),
  on: (event, handler) => onServerEvent(event, handler as never),
};
