/**
 * `--phases large-room` (issue 19's benchmark): first the old design against the paged one at
 * room sizes the old one could hold (same run, one node), then the paged design at each size on
 * one node and on two, each size on fresh servers, until a size does not hold twice in a row or
 * the phase's time budget is spent; then the acceptance verdict (a room of `acceptReceivers` holds).
 */
import type { Pinning } from '../pinning.js';
import type { LargeRoomPlan, Topology } from './large-room-plan.js';
import type { LargeRoomResult, SizeRun, TopologyOutcome, Verdict } from './large-room-result.js';
import { runLargeRoom } from './large-room-run.js';

export async function largeRoomPhase(
  plan: LargeRoomPlan,
  pinning: Pinning,
  log: (line: string) => void,
): Promise<LargeRoomResult> {
  const started = Date.now();
  const spent = () => (Date.now() - started) / 1000 > plan.limits.phaseBudgetSec;
  const runs: SizeRun[] = [];
  const comparison: LargeRoomResult['comparison'] = [];
  for (const receivers of plan.oldDesignSizes) {
    if (spent()) break;
    const oldDesign = await runLargeRoom('oldDesign', 'oneNode', receivers, plan, pinning, log);
    const paged = await runLargeRoom('paged', 'oneNode', receivers, plan, pinning, log);
    runs.push(oldDesign, paged);
    comparison.push({ receivers, paged, oldDesign });
  }
  const outcomes: TopologyOutcome[] = [];
  for (const topology of plan.topologies) {
    let outcome: TopologyOutcome = {
      topology,
      largestHeld: null,
      stoppedAt: null,
      stopReason: `held every size (up to ${plan.sizes.at(-1)} receivers)`,
    };
    for (const receivers of plan.sizes) {
      if (spent()) {
        outcome = {
          ...outcome,
          stoppedAt: receivers,
          stopReason: `phase time budget (${plan.limits.phaseBudgetSec} s) spent`,
        };
        break;
      }
      let run = await runLargeRoom('paged', topology, receivers, plan, pinning, log);
      runs.push(run);
      // Once more before giving up: on a shared machine one noisy window should not end the ramp.
      if (!run.held && !run.skipped && !spent()) {
        log(`large-room ${topology} ${receivers}: did not hold (${run.stopReason}); trying once more`);
        run = { ...(await runLargeRoom('paged', topology, receivers, plan, pinning, log)), attempt: 2 };
        runs.push(run);
      }
      if (!run.held) {
        outcome = { ...outcome, stoppedAt: receivers, stopReason: run.stopReason ?? 'did not hold' };
        break;
      }
      outcome.largestHeld = receivers;
    }
    outcomes.push(outcome);
  }
  return { plan, runs, outcomes, comparison, verdict: verdict(plan, runs) };
}

/** The acceptance line: the room of `acceptReceivers` (one node first, else two) held with loss under the limit. */
export function verdict(plan: LargeRoomPlan, runs: SizeRun[]): Verdict {
  const what =
    `room of ${plan.acceptReceivers} receivers + ${plan.senders} on camera, each showing a page of ` +
    `${plan.pageSize} + the ${plan.loudestK} loudest (${plan.speakers} speaking), light bots, loss < ${plan.acceptLossPercent} %`;
  const order: Topology[] = ['oneNode', 'twoNodes'];
  const candidates = order.flatMap((t) =>
    runs.filter((r) => r.design === 'paged' && r.topology === t && r.receivers === plan.acceptReceivers),
  );
  if (!candidates.length)
    return { held: false, line: `Acceptance (${what}): NOT HELD — that size was not run` };
  const why = (r: SizeRun): string | null => {
    if (r.skipped) return `skipped: ${r.stopReason}`;
    if (r.failedJoins) return `${r.failedJoins} of ${r.receivers} joins failed`;
    if (r.stopReason) return r.stopReason;
    if (r.receiversWithPage < r.joined)
      return `${r.joined - r.receiversWithPage} receivers without their page`;
    if (r.receiversWithLoudest < r.joined)
      return `${r.joined - r.receiversWithLoudest} receivers without the loud speakers`;
    if (r.loss.percent === null) return 'no packets counted';
    if (r.loss.percent >= plan.acceptLossPercent) return `loss ${r.loss.percent.toFixed(2)} %`;
    return null;
  };
  const held = candidates.find((r) => why(r) === null);
  if (held)
    return {
      held: true,
      line:
        `Acceptance (${what}): HELD on ${held.topology === 'oneNode' ? 'one node' : 'two nodes'} — ` +
        `${held.joined}/${held.receivers} joined, all with their page and the loud speakers, loss ${held.loss.percent!.toFixed(3)} %, ` +
        `${held.consumers.held ?? '–'} consumers (bound ${held.consumers.bound})`,
    };
  return {
    held: false,
    line: `Acceptance (${what}): NOT HELD — ${candidates.map((r) => `${r.topology}: ${why(r)}`).join('; ')}`,
  };
}
