import { ErrorCode } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import type { MediaLogger } from '../media/worker-pool.js';
import type { ClusterBus, EventListener, RequestHandler } from './cluster-bus.js';
import { BusDispatch, errorFromWire } from './bus-dispatch.js';
import type {
  ClusterEventName,
  ClusterEvents,
  ClusterRequest,
  ClusterRequestName,
  ClusterResponse,
} from './cluster-messages.js';

/** A cluster of one (no REDIS_URL): requests to this node run locally, others do not exist. */
export class MemoryClusterBus implements ClusterBus {
  readonly #dispatch = new BusDispatch();
  /** Self-deliveries keep broadcast order: each waits for the previous one. */
  #tail: Promise<void> = Promise.resolve();

  constructor(
    readonly nodeId: string,
    private readonly log?: MediaLogger,
  ) {}

  async request<M extends ClusterRequestName>(
    nodeId: string,
    method: M,
    payload: ClusterRequest<M>,
  ): Promise<ClusterResponse<M>> {
    if (nodeId !== this.nodeId) {
      throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, `Node ${nodeId} is not part of this cluster`);
    }
    const answer = await this.#dispatch.answer(method, payload, this.nodeId);
    if (!answer.ok) throw errorFromWire(answer.error);
    return answer.result as ClusterResponse<M>;
  }

  handle<M extends ClusterRequestName>(method: M, handler: RequestHandler<M>): () => void {
    return this.#dispatch.handle(method, handler);
  }

  broadcast<E extends ClusterEventName>(
    event: E,
    payload: ClusterEvents[E],
    options?: { includeSelf?: boolean },
  ): Promise<void> {
    if (!options?.includeSelf) return Promise.resolve();
    this.#tail = this.#tail.then(() =>
      this.#dispatch.deliver(event, payload, this.nodeId, (err) =>
        this.log?.error({ err, event }, 'cluster event listener failed'),
      ),
    );
    return this.#tail;
  }

  on<E extends ClusterEventName>(event: E, listener: EventListener<E>): () => void {
    return this.#dispatch.on(event, listener);
  }

  close(): void {
    this.#dispatch.clear();
  }
}
