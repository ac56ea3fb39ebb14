import type { types } from 'mediasoup';

/**
 * Producers piped from the router they live on to another router of the same room
 * (`pipeToRouter`, which keeps the producer id). One pipe per (producer, target router): the
 * promise is cached, so concurrent consumers share it. An entry goes when its pipe producer
 * closes, which mediasoup does when the original producer closes or either router goes.
 */
export class ProducerPipes {
  readonly #pipes = new Map<string, Promise<types.Producer>>();

  /** The producer as seen on `to` (itself when `from` is `to`). */
  pipe(producer: types.Producer, from: types.Router, to: types.Router): Promise<types.Producer> {
    if (from === to) return Promise.resolve(producer);
    const key = pipeKey(producer.id, to.id);
    const existing = this.#pipes.get(key);
    if (existing) return existing;
    const forget = (p: Promise<types.Producer>) => {
      if (this.#pipes.get(key) === p) this.#pipes.delete(key);
    };
    const piped: Promise<types.Producer> = from
      // No data channels in MiniMeet: no SCTP association between the pipe transports.
      .pipeToRouter({ producerId: producer.id, router: to, enableSctp: false })
      .then(({ pipeProducer }) => {
        if (!pipeProducer) throw new Error('pipeToRouter returned no producer');
        if (pipeProducer.closed) forget(piped);
        else pipeProducer.observer.once('close', () => forget(piped));
        return pipeProducer;
      });
    piped.catch(() => forget(piped));
    this.#pipes.set(key, piped);
    return piped;
  }

  /** Whether `producerId` has a pipe (made or being made) to the router `routerId`. */
  has(producerId: string, routerId: string): boolean {
    return this.#pipes.has(pipeKey(producerId, routerId));
  }

  get size(): number {
    return this.#pipes.size;
  }

  /** Closes every pipe producer made so far (their pipe consumers close with them). */
  close(): void {
    for (const p of this.#pipes.values()) {
      p.then((producer) => producer.close()).catch(() => undefined);
    }
    this.#pipes.clear();
  }
}

function pipeKey(producerId: string, routerId: string): string {
  return `${producerId}>${routerId}`;
}
