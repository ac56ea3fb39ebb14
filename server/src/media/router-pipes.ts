import type { types } from 'mediasoup';
import { PipeCache, type ProducerPipe } from './producer-pipe.js';
import type { RoomRouter } from './room-router.js';

/** A producer and the room router of this node it lives on (e.g. a RoomProducer). */
export interface RouterOrigin {
  producer: types.Producer;
  router: Pick<RoomRouter, 'router'>;
}

/**
 * Producers piped from the router they live on to another router of the same room, on this node
 * (`pipeToRouter`, which keeps the producer id). One pipe per (producer, target router); an entry
 * goes when its pipe producer closes, which mediasoup does when the original producer closes or
 * either router goes.
 */
export class RouterPipes implements ProducerPipe<RouterOrigin> {
  readonly #pipes = new PipeCache<types.Producer>();

  /** The producer as seen on `to` (itself when it lives there). */
  pipe({ producer, router: { router: from } }: RouterOrigin, to: types.Router): Promise<types.Producer> {
    if (from === to) return Promise.resolve(producer);
    return this.#pipes.get(pipeKey(producer.id, to.id), async () => {
      // No data channels in MiniMeet: no SCTP association between the pipe transports.
      const { pipeProducer } = await from.pipeToRouter({
        producerId: producer.id,
        router: to,
        enableSctp: false,
      });
      if (!pipeProducer) throw new Error('pipeToRouter returned no producer');
      return pipeProducer;
    });
  }

  /** Closes every pipe producer made so far (their pipe consumers close with them). */
  close(): void {
    this.#pipes.close();
  }
}

function pipeKey(producerId: string, routerId: string): string {
  return `${producerId}>${routerId}`;
}
