import { EventEmitter } from 'node:events';
import { ErrorCode } from '@minimeet/shared';
import type { types } from 'mediasoup';
import { AppError } from '../common/app-error.js';
import { createGuarded, goneWhileAwaiting } from './media-guards.js';
import { mediasoupInputError } from './mediasoup-input-error.js';
import type { ProducerRegistry, RoomProducer } from './producer-registry.js';
import type { RoomRouter } from './room-router.js';
import type { RouterPipes } from './router-pipes.js';
import { assertRtpParametersBounded } from './rtp-parameters-bounds.js';
import { logTransportStates } from './transport-state-log.js';
import { createWebRtcTransport, isBroken, type WebRtcTransportSettings } from './transports.js';
import type { MediaLogger } from './worker-pool.js';

export type Direction = 'send' | 'recv';
export type Source = 'mic' | 'camera' | 'screen';

export interface PeerTransport {
  transport: types.WebRtcTransport;
  direction: Direction;
  /** Connection (socket id) that created it: a reconnected socket may replace it. */
  createdBy: string;
}

export interface PeerProducer {
  producer: types.Producer;
  source: Source;
}

export interface ProduceInput {
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  source: Source;
  paused: boolean;
}

/** Where and how the room wants a peer's transport made. */
export interface TransportPlan {
  /** The peer's home router, placing the peer first when it has none. */
  place: () => Promise<RoomRouter>;
  settings: WebRtcTransportSettings;
  /** Where its ICE and DTLS states are logged (logTransportStates), if anywhere. */
  stateLog: { log: MediaLogger; roomId: number } | undefined;
}

/** What consuming needs of the room. */
export interface ConsumeContext {
  /** The room's producers (what may be consumed). */
  producers: ProducerRegistry;
  /** Pipes a producer living on another router of the room to the peer's home. */
  pipes: RouterPipes;
  /** Gets the consumer as soon as it is the peer's. */
  adopted: (consumer: types.Consumer) => void;
}

export interface PeerMediaEvents {
  closed: [];
}

/**
 * One participant's media in one room: its transports (≤ 1 send, ≤ 1 recv), producers (one per
 * source) and consumers, and the operations on them. Knows nothing of sockets; `attachedTo` is
 * only an opaque connection id the signaling layer keys on (it changes when a client reconnects
 * and re-attaches). Children remove themselves from the maps when mediasoup closes them. The
 * room decides where the peer lives (`home`) and tells the others about its producers.
 */
export class PeerMedia extends EventEmitter<PeerMediaEvents> {
  readonly transports = new Map<string, PeerTransport>();
  readonly producers = new Map<string, PeerProducer>();
  readonly consumers = new Map<string, types.Consumer>();
  /** Current connection id, or null while detached (disconnected, within the grace period). */
  attachedTo: string | null;
  /**
   * The room router this peer's transports live on; set by the room when the peer first needs
   * one, cleared when that router is lost (the peer is then placed again).
   */
  home: RoomRouter | undefined;
  #closed = false;
  /** Slots (e.g. `transport:send`) with a creation in flight: see `claim`. */
  readonly #inFlight = new Set<string>();

  constructor(
    readonly id: string,
    readonly userId: number,
    connectionId: string,
  ) {
    super();
    this.attachedTo = connectionId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  addTransport(entry: PeerTransport): void {
    const { transport } = entry;
    this.transports.set(transport.id, entry);
    transport.observer.once('close', () => this.transports.delete(transport.id));
  }

  addProducer(entry: PeerProducer): void {
    const { producer } = entry;
    this.producers.set(producer.id, entry);
    producer.observer.once('close', () => this.producers.delete(producer.id));
  }

  addConsumer(consumer: types.Consumer): void {
    this.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.consumers.delete(consumer.id));
  }

  /**
   * Marks `slot` as being created and returns its release function, or undefined when a creation
   * of that slot is already in flight. The one-per-slot checks run before an `await`; without this
   * mark, concurrent requests would all pass them together.
   */
  claim(slot: string): (() => void) | undefined {
    if (this.#inFlight.has(slot)) return undefined;
    this.#inFlight.add(slot);
    return () => this.#inFlight.delete(slot);
  }

  transportOf(direction: Direction): PeerTransport | undefined {
    for (const t of this.transports.values()) if (t.direction === direction) return t;
    return undefined;
  }

  producerOf(source: Source): PeerProducer | undefined {
    for (const p of this.producers.values()) if (p.source === source) return p;
    return undefined;
  }

  /**
   * A transport of `direction` on the router `place()` homes the peer on. One that a previous
   * connection made, or that is broken, is replaced; a good one of this connection is a CONFLICT.
   */
  createTransport(
    direction: Direction,
    connectionId: string,
    { place, settings, stateLog }: TransportPlan,
  ): Promise<types.WebRtcTransport> {
    let home: RoomRouter | undefined;
    return createGuarded(this, {
      slot: `transport:${direction}`,
      conflict: `A ${direction} transport is already being created`,
      doing: 'creating the transport',
      stillPlaced: () => home === undefined || (home.usable && this.home === home),
      create: async () => {
        const existing = this.transportOf(direction);
        if (existing) {
          if (existing.createdBy === connectionId && !isBroken(existing.transport)) {
            throw new AppError(ErrorCode.CONFLICT, `This connection already has a ${direction} transport`);
          }
          // Inherited from a previous connection, or broken (failed ICE restart): the client starts over.
          existing.transport.close();
        }
        const placed = await place();
        home = placed;
        return createWebRtcTransport(placed.router, placed.worker, settings);
      },
      adopt: (transport) => {
        if (stateLog) {
          const owner = { roomId: stateLog.roomId, userId: this.userId, peerId: this.id, direction };
          logTransportStates(transport, owner, stateLog.log);
        }
        this.addTransport({ transport, direction, createdBy: connectionId });
      },
    });
  }

  /**
   * A producer on the peer's send transport (one per source). `adopted` gets it as the room
   * registers it, as soon as it is the peer's (before anything else can close it unnoticed).
   */
  async produce(
    transportId: string,
    input: ProduceInput,
    adopted: (entry: RoomProducer) => void,
  ): Promise<types.Producer> {
    const t = this.transports.get(transportId);
    const home = this.home;
    if (!t || t.direction !== 'send' || !home) {
      throw new AppError(ErrorCode.TRANSPORT_NOT_FOUND, 'Not one of your send transports');
    }
    const expectedKind: types.MediaKind = input.source === 'mic' ? 'audio' : 'video';
    if (input.kind !== expectedKind) {
      throw new AppError(ErrorCode.VALIDATION, `source ${input.source} must be ${expectedKind}`, {
        fields: { kind: [`must be ${expectedKind} for source ${input.source}`] },
      });
    }
    assertRtpParametersBounded(input.rtpParameters, input.source);
    return createGuarded(this, {
      slot: `producer:${input.source}`,
      conflict: `You already produce ${input.source}`,
      taken: () => this.producerOf(input.source) !== undefined,
      doing: 'producing',
      create: () =>
        t.transport
          .produce({
            kind: input.kind,
            rtpParameters: input.rtpParameters,
            paused: input.paused,
            appData: { peerId: this.id, userId: this.userId, source: input.source },
          })
          .catch((err: unknown) => {
            throw mediasoupInputError(err, 'rtpParameters');
          }),
      adopt: (made) => {
        this.addProducer({ producer: made, source: input.source });
        adopted({
          producer: made,
          router: home,
          userId: this.userId,
          peerId: this.id,
          source: input.source,
          peer: this,
        });
      },
    });
  }

  /**
   * Consumes a producer of the room (paused) on the peer's recv transport, piped to the peer's
   * home router first.
   */
  async consume(
    transportId: string,
    producerId: string,
    rtpCapabilities: types.RtpCapabilities,
    { producers, pipes, adopted }: ConsumeContext,
  ): Promise<{ consumer: types.Consumer; producer: RoomProducer }> {
    const t = this.transports.get(transportId);
    if (!t || t.direction !== 'recv') {
      throw new AppError(ErrorCode.TRANSPORT_NOT_FOUND, 'Not one of your recv transports');
    }
    const found = producers.find(producerId);
    if (!found) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'No such producer in this room');
    if (found.peer === this) throw new AppError(ErrorCode.CANNOT_CONSUME, 'Cannot consume your own producer');
    const consumer = await createGuarded(this, {
      slot: `consumer:${producerId}`,
      conflict: 'You already consume this producer',
      taken: () => [...this.consumers.values()].some((c) => c.producerId === producerId),
      doing: 'consuming',
      create: async () => {
        const home = this.home;
        if (!home?.usable) throw goneWhileAwaiting(this, 'consuming');
        let local: types.Producer;
        try {
          local = await pipes.pipe(found, home.router);
        } catch (err) {
          if (found.producer.closed) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'The producer closed');
          if (!home.usable || !found.router.usable) throw goneWhileAwaiting(this, 'consuming');
          throw err;
        }
        if (this.closed || t.transport.closed) throw goneWhileAwaiting(this, 'consuming');
        if (local.closed) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'The producer closed');
        return consumeOn(home.router, t.transport, producerId, rtpCapabilities, this.id);
      },
      adopt: (made) => {
        this.addConsumer(made);
        adopted(made);
      },
    });
    return { consumer, producer: found };
  }

  /** Pauses or resumes one of its producers; false when it already was. */
  async setProducerPaused(producerId: string, paused: boolean): Promise<boolean> {
    const { producer } = this.#producer(producerId);
    if (producer.paused === paused) return false;
    // Pipes to other routers follow (pipeToRouter wires pause/resume through).
    if (paused) await producer.pause();
    else await producer.resume();
    return true;
  }

  closeProducer(producerId: string): void {
    this.#producer(producerId).producer.close();
  }

  closeConsumer(consumerId: string): void {
    this.#consumer(consumerId).close();
  }

  async setConsumerPaused(consumerId: string, paused: boolean): Promise<void> {
    const consumer = this.#consumer(consumerId);
    if (paused) await consumer.pause();
    else await consumer.resume();
  }

  async setConsumerLayers(consumerId: string, layers: { spatialLayer: number; temporalLayer?: number }) {
    const consumer = this.#consumer(consumerId);
    if (consumer.type !== 'simulcast' && consumer.type !== 'svc') {
      throw new AppError(ErrorCode.CONFLICT, 'Only simulcast/SVC consumers have layers');
    }
    await consumer.setPreferredLayers(layers);
  }

  async connectTransport(transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    const transport = this.#transport(transportId);
    try {
      await transport.connect({ dtlsParameters });
    } catch (err) {
      throw mediasoupInputError(err, 'dtlsParameters');
    }
  }

  restartIce(transportId: string): Promise<types.IceParameters> {
    return this.#transport(transportId).restartIce();
  }

  /** Closes every media object (consumers, producers, then transports); the peer stays usable. */
  closeMedia(): void {
    for (const c of [...this.consumers.values()]) c.close();
    for (const p of [...this.producers.values()]) p.producer.close();
    for (const t of [...this.transports.values()]) t.transport.close();
    this.consumers.clear();
    this.producers.clear();
    this.transports.clear();
  }

  /** Idempotent: closes children first, then emits `closed`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.closeMedia();
    this.emit('closed');
    this.removeAllListeners();
  }

  #transport(transportId: string): types.WebRtcTransport {
    const t = this.transports.get(transportId);
    if (!t) throw new AppError(ErrorCode.TRANSPORT_NOT_FOUND, 'Not one of your transports');
    return t.transport;
  }

  #producer(producerId: string): PeerProducer {
    const entry = this.producers.get(producerId);
    if (!entry) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'Not one of your producers');
    return entry;
  }

  #consumer(consumerId: string): types.Consumer {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) throw new AppError(ErrorCode.CONSUMER_NOT_FOUND, 'Not one of your consumers');
    return consumer;
  }
}

/** A paused consumer of `producerId` (which lives on `router`) on `transport`. */
async function consumeOn(
  router: types.Router,
  transport: types.WebRtcTransport,
  producerId: string,
  rtpCapabilities: types.RtpCapabilities,
  peerId: string,
): Promise<types.Consumer> {
  let can: boolean;
  try {
    can = router.canConsume({ producerId, rtpCapabilities });
  } catch (err) {
    throw mediasoupInputError(err, 'rtpCapabilities');
  }
  if (!can)
    throw new AppError(ErrorCode.CANNOT_CONSUME, 'Your RTP capabilities cannot receive this producer');
  try {
    return await transport.consume({ producerId, rtpCapabilities, paused: true, appData: { peerId } });
  } catch (err) {
    throw mediasoupInputError(err, 'rtpCapabilities');
  }
}
