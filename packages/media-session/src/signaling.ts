/**
 * The SFU signaling the media session depends on: typed requests and server events. The one real
 * implementation is `socketIoSignaling` (socket-signaling.ts); unit tests pass a fake.
 */
import type { RequestOf, ResponseOf, ServerEvents } from '@minimeet/shared';

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
  | 'closeConsumer'
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
  | 'mediaReset'
  | 'audibleProducers'
  | 'producerLayersWanted';

export interface MediaSignaling {
  /** Resolves with the answer's data; rejects when refused (an error with the wire `code`) or unanswered. */
  request<E extends MediaRequestName>(event: E, payload: RequestOf<E>): Promise<ResponseOf<E>>;
  /** Subscribes to a server event; returns the unsubscribe function. */
  on<E extends MediaEventName>(event: E, handler: (payload: ServerEvents[E]) => void): () => void;
}

/** The wire error code carried by a refused request, if any. */
export function errorCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
