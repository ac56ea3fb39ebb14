/**
 * How long cross-node announcements made because Redis came back wait. Every node's Redis
 * connections, its pub/sub subscribers included, are back within about 0.5 s of Redis; a message
 * published before another node has subscribed again would be lost to that node's sockets.
 */
export const ANNOUNCE_AFTER_REDIS_OUTAGE_MS = 2000;

/** Announcements held back until every node listens again (ANNOUNCE_AFTER_REDIS_OUTAGE_MS). */
export class AnnouncementsAfterOutage {
  readonly #timers = new Set<NodeJS.Timeout>();

  /** Runs `announce` once every node listens again. */
  schedule(announce: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      announce();
    }, ANNOUNCE_AFTER_REDIS_OUTAGE_MS);
    this.#timers.add(timer);
  }

  /** Drops what has not gone out yet (its owner is shutting down). */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
