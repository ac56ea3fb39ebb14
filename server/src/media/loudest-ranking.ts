/**
 * The room's microphones ranked by loudness, with hysteresis, so receivers can be given the K
 * loudest without the choice flapping while people talk over each other.
 *
 * Each audio producer has a smoothed level (dBov, -127 silent..0) fed from the room's
 * AudioLevelObserver ticks. The ranking sorts by that level plus a bonus for the place a producer
 * already holds: the top K get 2 × margin, the (K + 1)-th one margin. A newcomer must therefore be
 * `margin` dB louder than the weakest of the top K + 1 to enter it, and again to move into the top
 * K, and short pauses in speech (smoothed away) do not drop anyone. Ties keep the previous order,
 * then the order producers appeared in, so a quiet room lists its first K + 1 microphones and a
 * small room hears everyone.
 */

/** A receiver takes the first K not its own, so K + 1 serve everyone, speakers included. */
export interface LoudestRankingOptions {
  /** K: how many loudest microphones each receiver hears. */
  k: number;
  /** dB a producer must beat a ranked one by to take its place. */
  marginDb?: number;
}

const SILENT_DB = -127;
/** Weight of a tick's volume when the producer was heard in it (fast attack)… */
const ATTACK = 0.5;
/** …and of silence when it was not (slow release: a breath between sentences keeps the place). */
const RELEASE = 0.15;

export class LoudestRanking {
  readonly k: number;
  private readonly marginDb: number;
  /** Smoothed level by producer id, in the order producers were added. */
  private readonly levels = new Map<string, number>();
  /** The ranked list as last computed (every producer, loudest first). */
  private order: string[] = [];

  constructor(options: LoudestRankingOptions) {
    this.k = options.k;
    this.marginDb = options.marginDb ?? 10;
  }

  /** The first K + 1 of the ranking: what receivers may hear (each: the first K not its own). */
  get audible(): string[] {
    return this.order.slice(0, this.k + 1);
  }

  /** Adds a microphone (silent); true when that changed `audible`. */
  add(producerId: string): boolean {
    if (this.levels.has(producerId)) return false;
    this.levels.set(producerId, SILENT_DB);
    return this.rerank();
  }

  /** Removes a microphone; true when that changed `audible`. */
  remove(producerId: string): boolean {
    if (!this.levels.delete(producerId)) return false;
    const before = this.audible;
    this.order = this.order.filter((id) => id !== producerId);
    return this.rerank(before);
  }

  /**
   * One observer tick: the volumes (dBov) of the producers heard above the threshold; every other
   * one counts as silent. True when `audible` changed.
   */
  tick(volumes: ReadonlyMap<string, number>): boolean {
    for (const [id, level] of this.levels) {
      const heard = volumes.get(id);
      const next =
        heard === undefined ? level + (SILENT_DB - level) * RELEASE : level + (heard - level) * ATTACK;
      this.levels.set(id, next);
    }
    return this.rerank();
  }

  /** The first `k` audible producers that are not in `own` (a receiver's own microphones). */
  audibleFor(own: ReadonlySet<string>): string[] {
    return this.audible.filter((id) => !own.has(id)).slice(0, this.k);
  }

  private rerank(before = this.audible): boolean {
    const previous = new Map(this.order.map((id, i) => [id, i]));
    const arrival = new Map([...this.levels.keys()].map((id, i) => [id, i]));
    const score = (id: string): number => {
      const at = previous.get(id);
      const bonus =
        at === undefined ? 0 : at < this.k ? 2 * this.marginDb : at === this.k ? this.marginDb : 0;
      return this.levels.get(id)! + bonus;
    };
    const scored = [...this.levels.keys()].map((id) => ({ id, score: score(id) }));
    scored.sort(
      (a, b) =>
        b.score - a.score ||
        (previous.get(a.id) ?? Infinity) - (previous.get(b.id) ?? Infinity) ||
        arrival.get(a.id)! - arrival.get(b.id)!,
    );
    this.order = scored.map((s) => s.id);
    // Places inside the top K do not matter to anyone: only who is in it, and who is K + 1-th.
    const after = this.audible;
    const top = (list: string[]) => new Set(list.slice(0, this.k));
    const [was, is] = [top(before), top(after)];
    return (
      after.length !== before.length || after[this.k] !== before[this.k] || [...is].some((id) => !was.has(id))
    );
  }
}
