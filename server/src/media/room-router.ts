import type { types } from 'mediasoup';
import type { PoolWorker } from './worker-pool.js';

/** What mediasoup holds for one router, without the objects that only join routers (pipes). */
export interface RouterObjectCounts {
  transports: number;
  /** Ids, not a count: a piped producer keeps its id, so the room de-duplicates across routers. */
  producerIds: string[];
  consumers: number;
}

/**
 * One of a room's routers: the router and the pool worker it lives on. It tells its own pipe
 * transports and their consumers (created by pipeToRouter) apart from the peers' objects, so the
 * room can report what its peers hold.
 */
export class RoomRouter {
  /** Ids of the room's peers homed here (their transports live on this router). */
  readonly homedPeerIds = new Set<string>();
  /** Ids of pipe transports on this router and of the consumers on them. */
  readonly #pipeObjectIds = new Set<string>();

  constructor(
    readonly router: types.Router,
    readonly worker: PoolWorker,
  ) {
    router.observer.on('newtransport', (transport) => {
      if (transport.type !== 'pipe') return;
      this.#track(transport.id, transport.observer);
      transport.observer.on('newconsumer', (consumer) => this.#track(consumer.id, consumer.observer));
    });
  }

  get id(): string {
    return this.router.id;
  }

  get workerPid(): number {
    return this.worker.pid;
  }

  get homedPeers(): number {
    return this.homedPeerIds.size;
  }

  /** False once the router closed or its worker died. */
  get usable(): boolean {
    return !this.router.closed && this.worker.alive;
  }

  async counts(): Promise<RouterObjectCounts> {
    const dump = await this.router.dump();
    return {
      transports: dump.transportIds.filter((id) => !this.#pipeObjectIds.has(id)).length,
      producerIds: dump.mapProducerIdConsumerIds.map((e) => e.key),
      consumers: dump.mapConsumerIdProducerId.filter((e) => !this.#pipeObjectIds.has(e.key)).length,
    };
  }

  #track(id: string, observer: { once(event: 'close', listener: () => void): unknown }): void {
    this.#pipeObjectIds.add(id);
    observer.once('close', () => this.#pipeObjectIds.delete(id));
  }
}
