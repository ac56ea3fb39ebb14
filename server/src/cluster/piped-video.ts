import type { Logger } from '../logging/logger.js';
import type { NodePipes } from '../media/node-pipes.js';
import type { RoomMedia } from '../media/room-media.js';
import type { ClusterBus } from './cluster-bus.js';

export interface PipedVideoOptions {
  pipes: NodePipes;
  bus: ClusterBus;
  /** CLUSTER_PIPE_IDLE_CLOSE_MS: how long an unconsumed piped-in video producer stays piped. */
  idleCloseMs: number;
  log: Logger;
  /** Closes the room's pipe pair with `nodeId` when nothing is piped either way (after an unpipe). */
  closeIfIdle: (roomId: number, nodeId: string) => void;
}

/**
 * Cross-node video follows what is watched (issue 19: "an attendee's node pipes in only what its
 * attendees consume"; senders stop layers nobody watches). Receiving side: the layer demand of
 * this node's consumers of a piped-in video producer is reported to its node (`pipe.layersWanted`),
 * and a piped-in video producer nobody here consumes for `idleCloseMs` is unpiped (closed here,
 * its node told `pipe.unconsume`). Sending side: those reports feed the producer's LayerDemand,
 * and a pipe consumer that goes takes its node's demand with it. Microphones are never unpiped:
 * every node's loudest ranking hears every microphone.
 */
export class PipedVideo {
  /** Linger before an unconsumed piped-in video producer is unpiped: `${roomId}|${producerId}`. */
  readonly #lingering = new Map<string, NodeJS.Timeout>();
  /** Unpipes whose `pipe.unconsume` is on its way: a new pull of the producer waits for it. */
  readonly #unpiping = new Map<string, Promise<void>>();

  constructor(private readonly o: PipedVideoOptions) {}

  /** Handlers of the producer's node; returns their removers. */
  handle(rooms: { get(roomId: number): RoomMedia | undefined }): Array<() => void> {
    const { bus, pipes } = this.o;
    return [
      bus.handle('pipe.layersWanted', ({ roomId, producerId, maxSpatialLayer }, from) => {
        if (pipes.sending(roomId, from, producerId))
          rooms.get(roomId)?.layerDemand.nodeWants(producerId, from, maxSpatialLayer);
        return Promise.resolve({});
      }),
      bus.handle('pipe.unconsume', ({ roomId, producerId }, from) => {
        // Its pipe consumer's close takes the node's demand away (see `sending`). Whether the pair
        // is now idle the asking node decides: it knows what it is pulling meanwhile.
        pipes.stopSending(roomId, from, producerId);
        return Promise.resolve({});
      }),
    ];
  }

  /** The producer's node: `producerId` is now sent to `nodeId` (every layer until it reports). */
  sending(room: RoomMedia, producerId: string, nodeId: string): { onUnpiped: () => void } {
    room.layerDemand.sentTo(producerId, nodeId);
    return { onUnpiped: () => room.layerDemand.notSentTo(producerId, nodeId) };
  }

  /** The receiving node: reports its layer demand to the producers' node; unpipes what goes unused. */
  wire(room: RoomMedia): void {
    const roomId = room.roomId;
    room.on('pipedLayersWanted', ({ producerId, maxSpatialLayer }) => {
      const origin = this.o.pipes.originOf(roomId, producerId);
      if (!origin) return;
      this.o.bus
        .request(origin, 'pipe.layersWanted', { roomId, producerId, maxSpatialLayer })
        .catch((err: unknown) => this.o.log.debug({ err, roomId, producerId }, 'layer demand not reported'));
    });
    room.on('pipedProducerUnused', ({ producerId }) => this.linger(room, producerId));
    room.once('closed', () => {
      for (const [k, timer] of this.#lingering)
        if (k.startsWith(`${roomId}|`)) {
          clearTimeout(timer);
          this.#lingering.delete(k);
        }
    });
  }

  /** Resolves once an unpipe of the producer in progress is over (a new pull waits for it). */
  settled(roomId: number, producerId: string): Promise<void> {
    return this.#unpiping.get(`${roomId}|${producerId}`) ?? Promise.resolve();
  }

  /**
   * A piped-in video producer was just brought or asked for (a consume follows), or lost its last
   * consumer here: (re)starts its linger; unpiped when it ends with no consumer on this node.
   */
  linger(room: RoomMedia, producerId: string): void {
    const k = `${room.roomId}|${producerId}`;
    clearTimeout(this.#lingering.get(k));
    const timer = setTimeout(() => {
      this.#lingering.delete(k);
      this.#unpipeIfUnused(room, producerId);
    }, this.o.idleCloseMs);
    timer.unref();
    this.#lingering.set(k, timer);
  }

  close(): void {
    for (const timer of this.#lingering.values()) clearTimeout(timer);
    this.#lingering.clear();
  }

  #unpipeIfUnused(room: RoomMedia, producerId: string): void {
    const roomId = room.roomId;
    const origin = this.o.pipes.originOf(roomId, producerId);
    if (room.closed || !origin) return;
    const producer = this.o.pipes.receivedProducer(roomId, origin, producerId);
    if (!producer || producer.kind !== 'video' || room.layerDemand.consumerCount(producerId) > 0) return;
    producer.close();
    this.o.log.info({ roomId, producerId, from: origin }, 'unconsumed producer unpiped');
    const k = `${roomId}|${producerId}`;
    const done = this.o.bus
      .request(origin, 'pipe.unconsume', { roomId, producerId })
      .then(
        () => undefined,
        (err: unknown) => this.o.log.debug({ err, roomId, producerId }, 'unpipe notice failed'),
      )
      .finally(() => {
        if (this.#unpiping.get(k) === done) this.#unpiping.delete(k);
        if (this.o.pipes.has(roomId, origin)) this.o.closeIfIdle(roomId, origin);
      });
    this.#unpiping.set(k, done);
  }
}
