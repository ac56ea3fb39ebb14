import type { types } from 'mediasoup';

/**
 * "Make producer P available on router R", under P's own id: the one idea behind both pipe
 * mechanisms. RouterPipes does it between this node's routers (pipeToRouter), NodePipes from
 * another node (an SRTP pipe pair; R is the pair's router). Either way there is one pipe per
 * (P, R), concurrent callers share it, and it goes when P closes or either end goes.
 */
export interface ProducerPipe<Origin> {
  /** Resolves with the producer as seen on `to`. */
  pipe(origin: Origin, to: types.Router): Promise<types.Producer>;
}

/** What a pipe end may be: a producer or consumer of a pipe transport. */
interface PipeObject {
  readonly closed: boolean;
  readonly observer: { once(event: 'close', listener: () => void): unknown };
  close(): void;
}

/**
 * The pipe objects made so far, one per key: a creation in flight is shared by concurrent
 * callers, and an entry is forgotten when its object closes or its creation fails.
 */
export class PipeCache<T extends PipeObject> {
  readonly #pending = new Map<string, Promise<T>>();
  readonly #made = new Map<string, T>();

  /** The live object for `key`, made with `make` unless it exists or is being made. */
  get(key: string, make: () => Promise<T>): Promise<T> {
    const made = this.live(key);
    if (made) return Promise.resolve(made);
    const existing = this.#pending.get(key);
    if (existing) return existing;
    const forget = () => {
      if (this.#pending.get(key) === creation) this.#pending.delete(key);
    };
    const creation: Promise<T> = make().then((object) => {
      forget();
      if (object.closed) return object;
      this.#made.set(key, object);
      object.observer.once('close', () => {
        if (this.#made.get(key) === object) this.#made.delete(key);
      });
      return object;
    });
    creation.catch(forget);
    this.#pending.set(key, creation);
    return creation;
  }

  /** The object made for `key` if it is still open. */
  live(key: string): T | undefined {
    const object = this.#made.get(key);
    return object && !object.closed ? object : undefined;
  }

  /** Objects made (not those being made) and still open. */
  get size(): number {
    return this.#made.size;
  }

  /** Closes every object made so far, and those still being made once they are. */
  close(): void {
    for (const p of this.#pending.values()) p.then((object) => object.close()).catch(() => undefined);
    for (const object of this.#made.values()) object.close();
    this.#pending.clear();
    this.#made.clear();
  }
}
