import type {
  ClusterEventName,
  ClusterEvents,
  ClusterRequest,
  ClusterRequestName,
  ClusterResponse,
} from './cluster-messages.js';

/** Injection token for the ClusterBus (Redis request/reply when REDIS_URL is set, else in-process). */
export const CLUSTER_BUS = Symbol('CLUSTER_BUS');

export type RequestHandler<M extends ClusterRequestName> = (
  payload: ClusterRequest<M>,
  fromNodeId: string,
) => Promise<ClusterResponse<M>>;

export type EventListener<E extends ClusterEventName> = (
  payload: ClusterEvents[E],
  fromNodeId: string,
) => void;

/**
 * Messages between server nodes. `request` goes to one node and resolves with its handler's
 * answer; an AppError thrown there is rethrown here with the same code, and a node that does not
 * answer in time rejects with MEDIA_UNAVAILABLE. `broadcast` reaches every node in publish order.
 */
export interface ClusterBus {
  readonly nodeId: string;
  request<M extends ClusterRequestName>(
    nodeId: string,
    method: M,
    payload: ClusterRequest<M>,
    options?: { timeoutMs?: number },
  ): Promise<ClusterResponse<M>>;
  /** One handler per method on a node; returns the function that removes it. */
  handle<M extends ClusterRequestName>(method: M, handler: RequestHandler<M>): () => void;
  /**
   * Delivers to the listeners on every other node, and on this node too with `includeSelf` (then
   * through the same ordered channel, so every node sees one order of broadcasts).
   */
  broadcast<E extends ClusterEventName>(
    event: E,
    payload: ClusterEvents[E],
    options?: { includeSelf?: boolean },
  ): Promise<void>;
  on<E extends ClusterEventName>(event: E, listener: EventListener<E>): () => void;
}
