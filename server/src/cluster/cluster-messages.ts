import type { ChatMessage, ParticipantsDeltaEvent } from '@minimeet/shared';
import type { PipeEndpoint, PipedProducerParams } from '../media/node-pipes.js';

/**
 * Everything nodes say to each other, typed once. Requests go to one node and get one answer
 * (ClusterBus.request); events go to every node (ClusterBus.broadcast). Payloads are JSON.
 * Add an entry here for each new message; both sides then share its types.
 */
export interface ClusterRequests {
  /** Liveness/round-trip check between two nodes (tests, admin). */
  ping: { request: { sentAt: number }; response: { nodeId: string; sentAt: number } };
  /**
   * Cross-node media (cluster-media.service.ts). The node with the lower id creates each pipe
   * pair; the other asks it to (`pipe.ensure`). `pipe.open` carries the creator's end and
   * answers the other's.
   */
  /** `bootId`: the sender's boot, so a pair made with an earlier run of it is known stale. */
  'pipe.ensure': { request: { roomId: number; bootId: string }; response: Record<string, never> };
  'pipe.open': {
    request: { roomId: number; endpoint: PipeEndpoint; bootId: string };
    response: { endpoint: PipeEndpoint; bootId: string };
  };
  /** To a producer's node: send it through the pipe to me; answers how to produce it here. */
  'pipe.consume': { request: { roomId: number; producerId: string }; response: PipedProducerParams };
  /** From a producer's node to nodes it is piped to: follow its pause/resume/close. */
  'pipe.producerPaused': {
    request: { roomId: number; producerId: string; paused: boolean };
    response: Record<string, never>;
  };
  'pipe.producerClosed': { request: { roomId: number; producerId: string }; response: Record<string, never> };
  /**
   * From a node a video producer is piped to, to the producer's node: the highest spatial layer
   * its consumers want (null: none), combined there with the local demand (issue 19).
   */
  'pipe.layersWanted': {
    request: { roomId: number; producerId: string; maxSpatialLayer: number | null };
    response: Record<string, never>;
  };
  /** From a node a video producer is piped to: nobody there consumes it any more, stop sending it. */
  'pipe.unconsume': { request: { roomId: number; producerId: string }; response: Record<string, never> };
  /** The sender closed its end of the room's pipe (room gone or nothing piped). */
  /** `reannounce`: the pipe died with a worker, not the room: the receiver's peers consume again. */
  'pipe.close': { request: { roomId: number; reannounce?: boolean }; response: Record<string, never> };
}

export interface ClusterEvents {
  /** Diagnostic broadcast used by tests of the bus itself. */
  hello: { text: string };
  /** A stored chat message; every node hands it to its own sockets in the room (see ChatDelivery). */
  chatMessage: { message: ChatMessage };
  /** A batch of a room's joins and leaves; every node hands it to its own sockets (see ParticipantDeltaDelivery). */
  participantsDelta: ParticipantsDeltaEvent;
  /**
   * A microphone was produced on the sending node (and is in the producer directory): every node
   * with the room open pipes it in, so its loudest-speaker ranking hears every microphone of the
   * room (issue 19: receivers are given the K loudest).
   */
  microphone: { roomId: number; producerId: string };
}

export type ClusterRequestName = keyof ClusterRequests;
export type ClusterEventName = keyof ClusterEvents;
export type ClusterRequest<M extends ClusterRequestName> = ClusterRequests[M]['request'];
export type ClusterResponse<M extends ClusterRequestName> = ClusterRequests[M]['response'];
