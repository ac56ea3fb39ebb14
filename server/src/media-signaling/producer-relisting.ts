import type { RemoteProducer } from '@minimeet/shared';
import type { NodeRegistry } from '../cluster/node-registry.js';
import type { ProducerDirectory } from '../cluster/producer-directory.js';
import type { KeyedSerialQueue } from '../common/keyed-serial-queue.js';
import { AnnouncementsAfterOutage } from '../dependencies/after-outage.js';
import type { Logger } from '../logging/logger.js';
import { producerInfo } from '../media/producer-registry.js';
import type { RealtimeServer } from '../realtime/realtime-server.js';
import type { RoomMediaRegistry } from './room-media-registry.js';
import { remoteProducer } from './wire-conversion.js';

export interface ProducerRelistingDeps {
  rooms: RoomMediaRegistry;
  directory: ProducerDirectory;
  realtime: RealtimeServer;
  nodes: NodeRegistry;
  /** The relay's per-producer queue: a relisting step never overtakes a newer write. */
  perProducer: KeyedSerialQueue<string>;
  log: Logger;
}

/**
 * Puts this node's producer directory entries right after a Redis outage (a Redis restarted
 * empty has lost them all; writes failed meanwhile): every local producer is written again as it
 * is now and every entry of this boot whose producer is gone is removed, each step in its
 * producer's queue reading the producer's state there. Then, once the other nodes listen again
 * (ANNOUNCE_AFTER_REDIS_OUTAGE_MS), the producers whose write had failed (`unsure`: their
 * announcement went through Redis too and may not have crossed to other nodes) are announced
 * again as they are then: new (with their pause state) or closed. Clients ignore what they
 * already know.
 */
export class ProducerRelisting {
  readonly #later = new AnnouncementsAfterOutage();

  constructor(private readonly deps: ProducerRelistingDeps) {}

  /** Never rejects: a failure (Redis gone again) leaves `unsure` for the next recovery. */
  async run(unsure: Map<string, number>): Promise<void> {
    const { rooms, directory, nodes, perProducer, log } = this.deps;
    const { id: nodeId, bootId } = nodes.self;
    const steps: Array<Promise<void>> = [];
    const seen = new Set<string>();
    try {
      for (const room of rooms.active()) {
        for (const { producerId } of room.producers()) {
          if (!room.producer(producerId)?.peer) continue; // piped in: its own node lists it
          seen.add(producerId);
          steps.push(
            perProducer.run(producerId, async () => {
              const info = this.#local(room.roomId, producerId);
              if (info) await directory.add(room.roomId, { ...info, nodeId, bootId });
            }),
          );
        }
      }
      for (const { roomId, producerId } of await directory.listBoot(nodeId, bootId)) {
        if (seen.has(producerId)) continue;
        steps.push(
          perProducer.run(producerId, async () => {
            // Created after the rooms were looked at: live, and its own write lists it.
            if (!this.#local(roomId, producerId)) await directory.remove(roomId, producerId);
          }),
        );
      }
      await Promise.all(steps);
      const announce = [...unsure];
      unsure.clear();
      if (announce.length) this.#later.schedule(() => this.#announce(announce));
      log.info({ producers: seen.size, announced: announce.length }, 'producer directory put right after a Redis outage');
    } catch (err) {
      log.warn({ err }, 'putting the producer directory right after a Redis outage failed');
    }
  }

  stop(): void {
    this.#later.stop();
  }

  /** A producer of this node's peers as it is now; undefined once it is gone. */
  #local(roomId: number, producerId: string): RemoteProducer | undefined {
    const local = this.deps.rooms.get(roomId)?.producer(producerId);
    return local?.peer && !local.producer.closed ? remoteProducer(producerInfo(local)) : undefined;
  }

  #announce(producers: Array<[producerId: string, roomId: number]>): void {
    const { realtime } = this.deps;
    for (const [producerId, roomId] of producers) {
      const info = this.#local(roomId, producerId);
      if (!info) {
        realtime.emitToMedia(roomId, 'producerClosed', { roomId, producerId });
        continue;
      }
      realtime.emitToMedia(roomId, 'newProducer', { roomId, ...info });
      realtime.emitToMedia(roomId, info.paused ? 'producerPaused' : 'producerResumed', { roomId, producerId });
    }
  }
}
