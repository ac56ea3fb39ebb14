import type { PoolWorker } from './worker-pool.js';

/** What placement needs to know of a room router. */
export interface PlacementRouter {
  readonly worker: PoolWorker;
  readonly usable: boolean;
  /** Peers of the room homed on it (tie-breaker between equally loaded workers). */
  readonly homedPeers: number;
}

export type Placement<R> = { router: R } | { newRouterOn: PoolWorker };

/**
 * Where a room's new peer is homed: on the room router whose worker has the lowest load
 * (routers + consumers, as PoolWorker counts it), unless that load is at or over `spillLoad`
 * and a live worker without a router of this room is less loaded: then on a new router there.
 * With no usable router of the room, on a new router on the least-loaded live worker.
 * Returns undefined when no worker is alive.
 */
export function choosePlacement<R extends PlacementRouter>(
  roomRouters: readonly R[],
  workers: readonly PoolWorker[],
  spillLoad: number,
): Placement<R> | undefined {
  let best: R | undefined;
  for (const r of roomRouters) {
    if (!r.usable) continue;
    if (
      !best ||
      r.worker.load < best.worker.load ||
      (r.worker.load === best.worker.load && r.homedPeers < best.homedPeers)
    ) {
      best = r;
    }
  }
  if (best && best.worker.load < spillLoad) return { router: best };
  let spare: PoolWorker | undefined;
  for (const w of workers) {
    if (!w.alive || roomRouters.some((r) => r.usable && r.worker === w)) continue;
    if (!spare || w.load < spare.load) spare = w;
  }
  if (!best) return spare ? { newRouterOn: spare } : undefined;
  if (spare && spare.load < best.worker.load) return { newRouterOn: spare };
  return { router: best };
}
