import type { types } from 'mediasoup';
import type { ProducerRegistry } from './producer-registry.js';
import type { RoomRouter } from './room-router.js';
import type { RouterPipes } from './router-pipes.js';
import type { MediaLogger } from './worker-pool.js';

/** How often the loudness observer reports, in ms (the loudest ranking's tick). */
const AUDIO_LEVEL_INTERVAL_MS = 300;
/** Below this (dBov) a microphone counts as silent for the loudest ranking. */
const AUDIO_LEVEL_THRESHOLD_DB = -70;

/**
 * The room's one ActiveSpeakerObserver, and beside it on the same router one AudioLevelObserver
 * whose ticks feed the loudest ranking (`onVolumes`). It lives on one of the room's routers; audio producers
 * living on other routers are piped to it (the same pipes consumers use), so it hears everyone.
 * When its router is lost it is made again on another router and re-hears every audio producer
 * of the room.
 */
export class RoomSpeaker {
  #current:
    | { router: RoomRouter; observer: types.ActiveSpeakerObserver; levels: types.AudioLevelObserver }
    | undefined;
  #making: Promise<void> | undefined;
  #closed = false;

  constructor(
    private readonly roomId: number,
    private readonly pipes: RouterPipes,
    private readonly producers: ProducerRegistry,
    /** Where to make the observer when there is none: a usable router of the room, if any. */
    private readonly host: () => RoomRouter | undefined,
    /** Called with the user whose producer the observer names dominant (null if unknown). */
    private readonly onDominant: (userId: number | null) => void,
    private readonly log: MediaLogger | undefined,
    /** Each loudness tick: volume (dBov) by producer id of the microphones above the threshold. */
    private readonly onVolumes: (volumes: Map<string, number>) => void = () => undefined,
    /** How many loudest microphones the level observer reports per tick. */
    private readonly maxLevelEntries = 16,
  ) {}

  /** The router the observer is on (undefined while there is none). */
  get router(): RoomRouter | undefined {
    return this.#current?.router;
  }

  /** `ensure()`, logging a failure (`what` failed) instead of rejecting. */
  remake(what: string): Promise<void> {
    return this.ensure().catch((err: unknown) => this.log?.warn({ roomId: this.roomId, err }, what));
  }

  /**
   * Makes the observer on `host()` unless a usable one exists, then makes it hear every producer
   * of the room. Rejects when the observer cannot be created.
   */
  ensure(): Promise<void> {
    if (this.#closed || this.#current?.router.usable) return Promise.resolve();
    if (this.#making) return this.#making;
    const host = this.host();
    if (!host) return Promise.resolve();
    const making = (async () => {
      const observer = await host.router.createActiveSpeakerObserver({ interval: 300 });
      const levels = await host.router
        .createAudioLevelObserver({
          maxEntries: this.maxLevelEntries,
          threshold: AUDIO_LEVEL_THRESHOLD_DB,
          interval: AUDIO_LEVEL_INTERVAL_MS,
        })
        .catch((err: unknown) => {
          observer.close();
          throw err;
        });
      if (this.#closed || !host.usable) {
        observer.close();
        levels.close();
        return;
      }
      const current = { router: host, observer, levels };
      this.#current = current;
      levels.on('volumes', (volumes) => {
        if (this.#current === current) this.onVolumes(new Map(volumes.map((v) => [v.producer.id, v.volume])));
      });
      levels.on('silence', () => {
        if (this.#current === current) this.onVolumes(new Map());
      });
      observer.on('dominantspeaker', ({ producer }) => {
        if (this.#current?.observer === observer) this.onDominant(this.#userIdOf(producer));
      });
      for (const { producer, router } of this.producers.values()) this.hear(producer, router);
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
      .pipe({ producer, router: from }, current.router.router)
      .then(async (heard) => {
        if (this.#current === current && !heard.closed) {
          await current.observer.addProducer({ producerId: heard.id });
          await current.levels.addProducer({ producerId: heard.id });
        }
      })
      .catch((err: unknown) => {
        // Closed meanwhile, or a router went: nothing to hear.
        this.log?.debug(
          { roomId: this.roomId, producerId: producer.id, err },
          'speaker observer cannot hear producer',
        );
      });
  }

  /**
   * `router` is gone: so is the observer if it lived there; it is made again on another usable
   * router (with none left, the room makes it with the router it recreates).
   */
  routerLost(router: RoomRouter): void {
    if (this.#current?.router === router) this.#current = undefined;
    if (this.host()) void this.remake('could not remake the active speaker observer');
  }

  /** The (possibly piped) producer's user: as the room knows it, else from its appData. */
  #userIdOf(producer: types.Producer): number | null {
    const found = this.producers.find(producer.id);
    if (found) return found.userId;
    const userId = (producer.appData as { userId?: unknown }).userId;
    return typeof userId === 'number' ? userId : null;
  }

  /** The observer closes with its router; this only stops further work. */
  close(): void {
    this.#closed = true;
    this.#current = undefined;
  }
}
