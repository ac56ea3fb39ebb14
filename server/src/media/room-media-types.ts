import type { types } from 'mediasoup';
import type { PeerMedia } from './peer-media.js';
import type { ProducerInfo } from './producer-registry.js';

export interface RoomMediaEvents {
  newProducer: [ProducerInfo];
  producerClosed: [{ producerId: string; peerId: string }];
  producerPaused: [{ producerId: string; peerId: string }];
  producerResumed: [{ producerId: string; peerId: string }];
  /** A consumer closed because its producer (or the producer's transport) went away. */
  consumerClosed: [
    { peer: PeerMedia; consumerId: string; producerId: string; reason: 'producerClosed' | 'inaudible' },
  ];
  consumerLayersChanged: [{ peer: PeerMedia; consumerId: string; layers: types.ConsumerLayers | undefined }];
  producerScore: [{ peer: PeerMedia; producerId: string; score: types.ProducerScore[] }];
  consumerScore: [{ peer: PeerMedia; consumerId: string; score: types.ConsumerScore }];
  activeSpeaker: [{ userId: number | null }];
  /** The loudest microphones changed (LoudestRanking.audible: K + 1 ids, loudest first). */
  audible: [{ producerIds: string[]; limit: number }];
  /** The highest simulcast layer anyone consumes of `peer`'s video producer changed (null: none). */
  producerLayersWanted: [{ peer: PeerMedia; producerId: string; maxSpatialLayer: number | null }];
  /** The highest layer this node's consumers want of a video producer piped in from another node. */
  pipedLayersWanted: [{ producerId: string; maxSpatialLayer: number | null }];
  /** The last consumer on this node of a video producer piped in from another node closed. */
  pipedProducerUnused: [{ producerId: string }];
  /**
   * A worker died with routers of this room: `peers` (those homed on them) lost every media
   * object and must start over; the other peers keep theirs (their consumers of the lost peers'
   * producers were closed with consumerClosed, the lost producers announced with producerClosed).
   */
  reset: [{ reason: 'workerDied'; peers: PeerMedia[] }];
  closed: [];
}

export interface RoomMediaOptions {
  /** Cap (bps) on what one client may send into each of its transports. */
  maxIncomingBitrate: number;
  /**
   * Worker load (routers + consumers) at which new peers spill onto a router on another worker
   * (see choosePlacement). Unset: the room stays on the routers it has while one is usable.
   */
  routerSpillLoad?: number;
  /**
   * Floor (bps) of the bandwidth estimate on recv transports (0: mediasoup's 30 kbps). Without
   * it a capped link drives the estimate below the lowest simulcast layer: the consumer gets no
   * layer, nothing is sent to measure, and the estimate stays down after the link widens.
   */
  minOutgoingBitrate?: number;
  /** K: each receiver consumes the K loudest microphones only (default 3). */
  audioLoudestK?: number;
  /** Open video consumers one peer may hold (consume answers TOO_MANY_CONSUMERS beyond); unset: no cap. */
  videoConsumersPerPeerMax?: number;
}
