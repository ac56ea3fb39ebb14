/**
 * What `--phases large-room` runs (issue 19's benchmark): one room, `senders` full werift peers
 * (audio + video), light receivers at each size showing a page of `pageSize` videos plus the
 * `loudestK` loudest microphones, on one node and on two; and the old design (every receiver
 * consumes everything, every join broadcasts the whole list) at room sizes it could hold.
 */

export type Topology = 'oneNode' | 'twoNodes';
export type Design = 'paged' | 'oldDesign';

export interface LargeRoomPlan {
  quick: boolean;
  senders: number;
  /** Senders whose microphone is loud (the rest are silent): who the receivers must hear. */
  speakers: number;
  pageSize: number;
  /** AUDIO_LOUDEST_K given to MiniMeet. */
  loudestK: number;
  /** Receiver counts, tried in order per topology until one does not hold. */
  sizes: number[];
  topologies: Topology[];
  /** Receiver counts of the old-design comparison (room of senders + receivers + bystander ≤ 16). */
  oldDesignSizes: number[];
  /** Receivers started per second (the bystander counts bytes over this ramp). */
  joinsPerSec: number;
  /** Measured seconds once every receiver has its page. */
  windowSec: number;
  /** A size stops (and the bigger ones are not tried) past these. */
  limits: {
    /** Receive loss over the window, %. */
    lossPercent: number;
    /** Receivers whose start failed, % of the size. */
    failedJoinsPercent: number;
    /** From the first join to every receiver having its page and its loudest, s. */
    settleBudgetSec: number;
    /** Whole phase, s: later sizes are skipped (and say so) once it is spent. */
    phaseBudgetSec: number;
  };
  /** The acceptance line: this many receivers must hold (with loss under `acceptLossPercent`). */
  acceptReceivers: number;
  acceptLossPercent: number;
}

export function largeRoomPlan(quick: boolean, sizes?: number[]): LargeRoomPlan {
  const base = {
    quick,
    senders: 8,
    speakers: 3,
    pageSize: 4,
    loudestK: 3,
    joinsPerSec: 10,
    acceptLossPercent: 1,
  };
  if (quick)
    return {
      ...base,
      senders: 4,
      pageSize: 2,
      sizes: sizes ?? [6],
      topologies: ['oneNode'],
      oldDesignSizes: [3],
      windowSec: 4,
      limits: { lossPercent: 5, failedJoinsPercent: 0, settleBudgetSec: 45, phaseBudgetSec: 240 },
      acceptReceivers: sizes?.[0] ?? 6,
    };
  return {
    ...base,
    sizes: sizes ?? [25, 50, 100, 200],
    topologies: ['oneNode', 'twoNodes'],
    // 8 senders + 7 receivers + the bystander = 16, the old room cap.
    oldDesignSizes: [3, 7],
    windowSec: 15,
    limits: { lossPercent: 1, failedJoinsPercent: 2, settleBudgetSec: 90, phaseBudgetSec: 25 * 60 },
    acceptReceivers: 100,
  };
}

/** The page of video a receiver shows: `pageSize` consecutive senders from its own offset (spread evenly). */
export function pageOf(receiverIndex: number, senders: number, pageSize: number): number[] {
  const size = Math.min(pageSize, senders);
  return Array.from({ length: size }, (_, j) => (receiverIndex + j) % senders);
}
