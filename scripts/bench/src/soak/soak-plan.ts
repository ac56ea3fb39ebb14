/** What the soak phase runs: the load's shape and the sampling, from the command-line options. */
import type { SoakOptions } from '../options.js';

export interface SoakPlan {
  minutes: number;
  sampleSec: number;
  /** The first part of the run left out of the slopes (servers and caches warm up). */
  warmupFraction: number;
  rooms: number;
  /** Bots that join at the start and stay to the end (the room never empties: its call goes on). */
  stayersPerRoom: number;
  /** Bots that join, stay a while, leave, stay away a while and join again, over and over. */
  churnersPerRoom: number;
  /** A churner's time in the room, seconds (uniform in [min, max]). */
  churnStaySec: [number, number];
  /**
   * A churner's time away, seconds. Some returns fall inside the presence grace (10 s: presence and
   * media continue), some after it (the user left: presence and media closed, new ones made). All
   * fall inside CALL_REJOIN_WINDOW_MS (60 s), so the call participant record continues.
   */
  churnAwaySec: [number, number];
  /** Chat messages per second of every bot in a room. */
  chatPerSec: number;
  workers: number;
  statsIntervalMs: number;
}

export function soakPlan(o: SoakOptions): SoakPlan {
  return {
    minutes: o.minutes,
    sampleSec: o.sampleSec,
    warmupFraction: 0.2,
    rooms: 2,
    stayersPerRoom: 2,
    churnersPerRoom: 2,
    churnStaySec: [20, 40],
    churnAwaySec: [2, 20],
    chatPerSec: 0.2,
    workers: 2,
    statsIntervalMs: 2000,
  };
}
