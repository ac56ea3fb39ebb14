/** Where the media session reports what happens: the browser's call store, or the Node peer's counters. */
import type { Consumer, Producer } from 'mediasoup-client/types';
import type {
  MediaKind,
  MediaSourceName,
  MediaStatus,
  ProducerInfo,
  TransportConnectionState,
  TransportDirection,
} from './types.js';

/** A remote track as the store keeps it (key = producer id). */
export interface SinkTrack {
  key: string;
  userId: number;
  source: MediaSourceName;
  kind: MediaKind;
  paused: boolean;
  track: MediaStreamTrack | null;
}

export interface MediaSink {
  upsertRemoteTrack(track: SinkTrack): void;
  setRemotePaused(key: string, paused: boolean): void;
  removeRemoteTrack(key: string): void;
  setMediaStatus(status: MediaStatus, error?: string | null): void;
  setActiveSpeaker?(userId: number | null): void;
  /** Connection state of the current send or recv transport (for the connection indicator). */
  setTransportState?(direction: TransportDirection, state: TransportConnectionState): void;
  /** Score 0..10 of a local producer that is sending; null when it stops counting (paused, gone). */
  setUplinkScore?(source: MediaSourceName, score: number | null): void;
  /** Scores of the consumer of a remote producer (key); null when it stops counting (paused, gone). */
  setDownlinkScore?(key: string, score: { score: number; producerScore: number } | null): void;
  /** A local producer now exists (the Node peer answers its PLIs with keyframes). */
  producerCreated?(source: MediaSourceName, producer: Producer): void;
  /** A consumer now exists / was closed (the Node peer counts RTP on its track). */
  consumerCreated?(consumer: Consumer, info: ProducerInfo): void;
  consumerClosed?(consumer: Consumer, info: ProducerInfo): void;
  /** The server said which layers of a local video anyone consumes (null: nobody; sending stopped). */
  layersWanted?(source: MediaSourceName, maxSpatialLayer: number | null): void;
  /** An ICE restart of one transport went through. */
  iceRestarted?(direction: TransportDirection): void;
}
