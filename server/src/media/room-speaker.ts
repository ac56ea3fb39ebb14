import type { types } from 'mediasoup';
import type { ProducerPipes } from './producer-pipes.js';
import type { RoomRouter } from './room-router.js';
import type { MediaLogger } from './worker-pool.js';

/** An audio producer of the room and the router it lives on. */
export interface HeardProducer {
  producer: types.Producer;
  router: RoomRouter;
}

/**
 * The room's one ActiveSpeakerObserver. It lives on one of the room's routers; audio producers
 * living on other routers are piped to it (the same pipes consumers use), so it hears everyone.
 * When its router is lost it is made again on another router and re-hears every audio producer.
 */
export class RoomSpeaker {
  #current: { router: RoomRouter; observer: types.ActiveSpeakerObserver } | undefined;
  #making: Promise<void> | undefined;
  #closed = false;

  constructor(
    private readonly roomId: number,
    private readonly pipes: ProducerPipes,
    /** Called with the (possibly piped) producer the observer names dominant. */
    private readonly onDominant: (producer: types.Producer) => void,
    private readonly log: MediaLogger | undefined,
  ) {}

  /** The router the observer is on (undefined while there is none). */
  get router(): RoomRouter | undefined {
    return this.#current?.router;
  }

  /**
   * Makes the observer on `host` unless a usable one exists, then makes it hear `audio()`.
   * Rejects when the observer cannot be created.
   */
  ensure(host: RoomRouter | undefined, audio: () => Iterable<HeardProducer>): Promise<void> {
    if (this.#closed || this.#current?.router.usable) return Promise.resolve();
    if (this.#making) return this.#making;
    if (!host) return Promise.resolve();
    const making = (async () => {
      const observer = await host.router.createActiveSpeakerObserver({ interval: 300 });
      if (this.#closed || !host.usable) {
        observer.close();
        return;
      }
      this.#current = { router: host, observer };
      observer.on('dominantspeaker', ({ producer }) => {
        if (this.#current?.observer === observer) this.onDominant(producer);
      });
      for (const { producer, router } of audio()) this.hear(producer, router);
    })().finally(() => {
      this.#making = undefined;
    });
    this.#making = making;
    return making;
  }

  /** Adds an audio producer living on `from`, piping it to the observer's router first. */
  hear(producer: types.Producer, from: RoomRouter): void {
    const current = this.#current;
    if (!current || producer.kind !== 'audio' || producer.closed) return;
    this.pipes
      .pipe(producer, from.router, current.router.router)
      .then(async (heard) => {
        if (this.#current === current && !heard.closed) await current.observer.addProducer({ producerId: heard.id });
      })
      .catch((err: unknown) => {
        // Closed meanwhile, or a router went: nothing to hear.
        this.log?.debug({ roomId: this.roomId, producerId: producer.id, err }, 'speaker observer cannot hear producer');
      });
  }

  /** `router` is gone: so is the observer if it lived there (ensure() makes a new one). */
  routerLost(router: RoomRouter): void {
    if (this.#current?.router === router) this.#current = undefined;
  }

  /** The observer closes with its router; this only stops further work. */
  close(): void {
    this.#closed = true;
    this.#current = undefined;
  }
}
