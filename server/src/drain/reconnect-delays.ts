/** The longest spread of one node's reconnects, whatever the grace period. */
export const MAX_RECONNECT_SPREAD_MS = 5000;

/**
 * When each of `count` sockets should reconnect (ms from now): spread evenly at random over a
 * third of the grace period (at most MAX_RECONNECT_SPREAD_MS), so one node's clients do not all
 * hit the next node in the same instant, and all have moved well before the grace ends.
 */
export function reconnectDelays(count: number, graceMs: number, random: () => number = Math.random): number[] {
  const spread = Math.min(MAX_RECONNECT_SPREAD_MS, Math.floor(graceMs / 3));
  // Stratified: socket i gets a random point in its own slice, so the arrival rate stays flat.
  const delays = Array.from({ length: count }, (_, i) => Math.floor(((i + random()) / Math.max(1, count)) * spread));
  // Shuffled so the order sockets happen to be listed in does not decide who goes first.
  for (let i = delays.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [delays[i], delays[j]] = [delays[j]!, delays[i]!];
  }
  return delays;
}
