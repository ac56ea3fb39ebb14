import type { types } from 'mediasoup';
import type { AdminWorkerObjects } from '@minimeet/shared';
import { mapConcurrent, withTimeout } from '../common/concurrency.js';
import type { PoolWorker } from './worker-pool.js';

/**
 * Counts the objects each mediasoup worker really holds, from worker.dump() and a dump of each
 * router: unlike the signaling layer's own bookkeeping, this also shows objects the Node side
 * forgot to close (a leak). Every request is bounded in time; a worker that does not answer
 * gets `objects: null`. Never rejects.
 */
export async function readWorkerObjects(
  workers: readonly PoolWorker[],
  opts: { callTimeoutMs: number; concurrency: number },
): Promise<AdminWorkerObjects[]> {
  return mapConcurrent(workers, opts.concurrency, async (w): Promise<AdminWorkerObjects> => {
    const base = { pid: w.pid, alive: w.alive };
    if (!w.alive) return { ...base, objects: null };
    try {
      const dump = await withTimeout(w.worker.dump(), opts.callTimeoutMs, 'worker.dump');
      const routers = await mapConcurrent(w.routerObjects, opts.concurrency, (router) =>
        withTimeout(router.dump(), opts.callTimeoutMs, 'router.dump').catch((err: unknown) => {
          // Closed between listing and dumping: nothing of it is left to count.
          if (router.closed) return null;
          throw err;
        }),
      );
      const sum = (f: (d: types.RouterDump) => number) => routers.reduce((n, d) => n + (d ? f(d) : 0), 0);
      return {
        ...base,
        objects: {
          routers: dump.routerIds.length,
          webRtcServers: dump.webRtcServerIds.length,
          transports: sum((d) => d.transportIds.length),
          producers: sum((d) => d.mapProducerIdConsumerIds.length),
          consumers: sum((d) => d.mapConsumerIdProducerId.length),
          dataProducers: sum((d) => d.mapDataProducerIdDataConsumerIds.length),
          dataConsumers: sum((d) => d.mapDataConsumerIdDataProducerId.length),
          rtpObservers: sum((d) => d.rtpObserverIds.length),
          channelRequestHandlers: dump.channelMessageHandlers.channelRequestHandlers.length,
          channelNotificationHandlers: dump.channelMessageHandlers.channelNotificationHandlers.length,
        },
      };
    } catch {
      return { ...base, objects: null };
    }
  });
}
