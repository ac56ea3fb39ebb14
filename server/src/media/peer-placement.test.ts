import { describe, expect, it } from 'vitest';
import { choosePlacement, type PlacementRouter } from './peer-placement.js';
import type { PoolWorker } from './worker-pool.js';

const worker = (pid: number, load: number, alive = true) => ({ pid, load, alive }) as unknown as PoolWorker;
const router = (w: PoolWorker, homedPeers = 0, usable = true): PlacementRouter => ({
  worker: w,
  homedPeers,
  usable,
});

describe('choosePlacement', () => {
  const w1 = worker(1, 10);
  const w2 = worker(2, 3);
  const w3 = worker(3, 50);

  it('homes on the room router with the least-loaded worker while under the spill load', () => {
    const a = router(w1);
    const c = router(w3);
    expect(choosePlacement([c, a], [w1, w2, w3], 100)).toEqual({ router: a });
  });

  it('breaks a load tie by the fewest homed peers', () => {
    const a = router(worker(1, 5), 4);
    const b = router(worker(2, 5), 1);
    expect(choosePlacement([a, b], [a.worker, b.worker], 100)).toEqual({ router: b });
  });

  it('spills onto the least-loaded worker without a router of the room once every router is at the spill load', () => {
    const a = router(w1);
    expect(choosePlacement([a], [w1, w2, w3], 10)).toEqual({ newRouterOn: w2 });
    // Under the spill load: stays, even though w2 is less loaded.
    expect(choosePlacement([a], [w1, w2, w3], 11)).toEqual({ router: a });
  });

  it('does not spill onto a worker that is no less loaded', () => {
    const a = router(w2);
    expect(choosePlacement([a], [w1, w2, w3], 1)).toEqual({ router: a });
  });

  it('skips dead workers and unusable routers; none usable: a new router on the least-loaded live worker', () => {
    const dead = worker(4, 0, false);
    const lost = router(worker(5, 0, false), 3, false);
    expect(choosePlacement([lost], [dead, w1, w3], 400)).toEqual({ newRouterOn: w1 });
    expect(choosePlacement([router(w1, 0, false)], [w1, w3], 400)).toEqual({ newRouterOn: w1 });
    expect(choosePlacement([lost], [dead], 400)).toBeUndefined();
    expect(choosePlacement([], [], 400)).toBeUndefined();
  });
});
