import type { ChatMessage } from '@minimeet/shared';

/**
 * Everything nodes say to each other, typed once. Requests go to one node and get one answer
 * (ClusterBus.request); events go to every node (ClusterBus.broadcast). Payloads are JSON.
 * Add an entry here for each new message; both sides then share its types.
 */
export interface ClusterRequests {
  /** Liveness/round-trip check between two nodes (tests, admin). */
  ping: { request: { sentAt: number }; response: { nodeId: string; sentAt: number } };
}

export interface ClusterEvents {
  /** Diagnostic broadcast used by tests of the bus itself. */
  hello: { text: string };
  /** A stored chat message; every node hands it to its own sockets in the room (see ChatDelivery). */
  chatMessage: { message: ChatMessage };
}

export type ClusterRequestName = keyof ClusterRequests;
export type ClusterEventName = keyof ClusterEvents;
export type ClusterRequest<M extends ClusterRequestName> = ClusterRequests[M]['request'];
export type ClusterResponse<M extends ClusterRequestName> = ClusterRequests[M]['response'];
