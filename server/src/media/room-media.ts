import { EventEmitter } from 'node:events';
import { ErrorCode } from '@minimeet/shared';
import type { types } from 'mediasoup';
import { AppError } from '../common/app-error.js';
import { PeerMedia, type Direction, type PeerProducer, type Source } from './peer-media.js';
import { mediasoupInputError } from './mediasoup-input-error.js';
import { assertRtpParametersBounded } from './rtp-parameters-bounds.js';
import { createWebRtcTransport } from './transports.js';
import { logTransportStates } from './transport-state-log.js';
import type { MediaLogger, PoolWorker, WorkerPool } from './worker-pool.js';

export interface ProducerInfo {
  producerId: string;
  userId: number;
  peerId: string;
  kind: types.MediaKind;
  source: Source;
  paused: boolean;
}

/** A producer that lives on another node, piped into this room's pipe router. */
export interface ExternalProducerInfo {
  producerId: string;
  userId: number;
  kind: types.MediaKind;
  source: Source;
  paused: boolean;
  nodeId: string;
}

export interface RoomMediaEvents {
  newProducer: [ProducerInfo];
  producerClosed: [{ producerId: string; peerId: string }];
  producerPaused: [{ producerId: string; peerId: string }];
  producerResumed: [{ producerId: string; peerId: string }];
  /** A consumer closed because its producer (or the producer's transport) went away. */
  consumerClosed: [{ peer: PeerMedia; consumerId: string; producerId: string }];
  consumerLayersChanged: [{ peer: PeerMedia; consumerId: string; layers: types.ConsumerLayers | undefined }];
  producerScore: [{ peer: PeerMedia; producerId: string; score: types.ProducerScore[] }];
  consumerScore: [{ peer: PeerMedia; consumerId: string; score: types.ConsumerScore }];
  activeSpeaker: [{ userId: number | null }];
  /** The router was lost (worker died) and replaced: every peer's media objects are gone. */
  reset: [{ reason: 'workerDied' }];
  closed: [];
}

/** How long recreating a router after a worker death may keep retrying. */
const RECREATE_TIMEOUT_MS = 30_000;

export interface RoomMediaOptions {
  /** Cap (bps) on what one client may send into each of its transports. */
  maxIncomingBitrate: number;
}

/**
 * One room's media: its router on a pool worker, an ActiveSpeakerObserver and the peers. Only
 * the room wires peers together (a new producer is announced, consumers of a closed producer
 * are reported). Knows nothing of HTTP or sockets.
 *
 * Later growth: a room spanning workers would keep a producer router and consumer routers joined
 * by `pipeToRouter`; every lookup already goes through this object.
 */
export class RoomMedia extends EventEmitter<RoomMediaEvents> {
  readonly peers = new Map<string, PeerMedia>();
  /** Producers piped in from other nodes (consumable here; announced by their own node). */
  readonly #external = new Map<string, { info: ExternalProducerInfo; producer: types.Producer }>();
  #router: types.Router;
  #worker: PoolWorker;
  #speaker: types.ActiveSpeakerObserver;
  #closed = false;
  /** Set while the router is being recreated after a worker death. */
  #resetting: Promise<void> | undefined;
  /** While dropping everything for a reset: no per-object close events to clients. */
  #quiet = false;

  private constructor(
    readonly roomId: number,
    private readonly pool: WorkerPool,
    private readonly log: MediaLogger | undefined,
    private readonly options: RoomMediaOptions,
    parts: { router: types.Router; worker: PoolWorker; speaker: types.ActiveSpeakerObserver },
  ) {
    super();
    this.#router = parts.router;
    this.#worker = parts.worker;
    this.#speaker = parts.speaker;
    this.#wireRouter();
  }

  static async create(
    roomId: number,
    pool: WorkerPool,
    options: RoomMediaOptions,
    log?: MediaLogger,
  ): Promise<RoomMedia> {
    const parts = await RoomMedia.#createRouter(roomId, pool);
    return new RoomMedia(roomId, pool, log, options, parts);
  }

  static async #createRouter(roomId: number, pool: WorkerPool) {
    const { router, worker } = await pool.createRouter({ roomId });
    try {
      const speaker = await router.createActiveSpeakerObserver({ interval: 300 });
      return { router, worker, speaker };
    } catch (err) {
      router.close();
      throw err;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  get router(): types.Router {
    return this.#router;
  }

  get workerPid(): number {
    return this.#worker.pid;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.#router.rtpCapabilities;
  }

  /** Resolves once a reset in progress is over. */
  async ready(): Promise<void> {
    if (this.#resetting) await this.#resetting;
  }

  addPeer(peer: PeerMedia): void {
    this.peers.set(peer.id, peer);
    peer.once('closed', () => {
      this.peers.delete(peer.id);
    });
  }

  /** Every producer of the room except those of `exceptPeerId`. */
  producers(exceptPeerId?: string): ProducerInfo[] {
    const out: ProducerInfo[] = [];
    for (const peer of this.peers.values()) {
      if (peer.id === exceptPeerId) continue;
      for (const p of peer.producers.values()) out.push(producerInfo(peer, p));
    }
    return out;
  }

  /** The router where producers from other nodes land and local producers leave from. */
  pipeRouter(): types.Router {
    return this.#router;
  }

  /** Makes a local producer consumable on `router` (one router per room: nothing to do). */
  ensureProducerOn(producerId: string, router: types.Router): Promise<void> {
    if (router !== this.#router) {
      return Promise.reject(new Error(`router ${router.id} is not one of room ${this.roomId}'s`));
    }
    if (!this.findProducer(producerId)) {
      return Promise.reject(new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'No such producer in this room'));
    }
    return Promise.resolve();
  }

  /**
   * Registers a producer created outside the room's peers (piped from another node) so that
   * `consume()` finds it. It leaves with the producer; the returned function unregisters it.
   * No newProducer/producerClosed for it: the node it comes from announces those.
   */
  addExternalProducer(info: ExternalProducerInfo, producer: types.Producer): () => void {
    const entry = { info, producer };
    this.#external.set(info.producerId, entry);
    const remove = () => {
      if (this.#external.get(info.producerId) === entry) this.#external.delete(info.producerId);
    };
    producer.observer.once('close', remove);
    if (producer.kind === 'audio')
      this.#speaker.addProducer({ producerId: producer.id }).catch(() => undefined);
    return remove;
  }

  findProducer(producerId: string): { peer: PeerMedia; entry: PeerProducer } | undefined {
    for (const peer of this.peers.values()) {
      const entry = peer.producers.get(producerId);
      if (entry) return { peer, entry };
    }
    return undefined;
  }

  #assertUsable(): void {
    if (this.#closed || this.#resetting || this.#router.closed) {
      throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'Room media is being recreated; wait for mediaReset');
    }
  }

  async createTransport(
    peer: PeerMedia,
    direction: Direction,
    connectionId: string,
  ): Promise<types.WebRtcTransport> {
    this.#assertUsable();
    const release = peer.claim(`transport:${direction}`);
    if (!release) {
      throw new AppError(ErrorCode.CONFLICT, `A ${direction} transport is already being created`);
    }
    try {
      const existing = peer.transportOf(direction);
      if (existing) {
        if (existing.createdBy === connectionId && !isBroken(existing.transport)) {
          throw new AppError(ErrorCode.CONFLICT, `This connection already has a ${direction} transport`);
        }
        // Inherited from a previous connection, or broken (failed ICE restart): the client starts over.
        existing.transport.close();
      }
      const transport = await createWebRtcTransport(this.#router, this.#worker, {
        appData: { peerId: peer.id, direction },
        maxIncomingBitrate: this.options.maxIncomingBitrate,
      });
      if (peer.closed || transport.closed) {
        transport.close();
        throw goneWhileAwaiting(peer, 'creating the transport');
      }
      if (this.log) {
        logTransportStates(
          transport,
          { roomId: this.roomId, userId: peer.userId, peerId: peer.id, direction },
          this.log,
        );
      }
      peer.addTransport({ transport, direction, createdBy: connectionId });
      return transport;
    } finally {
      release();
    }
  }

  async produce(
    peer: PeerMedia,
    transportId: string,
    input: { kind: types.MediaKind; rtpParameters: types.RtpParameters; source: Source; paused: boolean },
  ): Promise<types.Producer> {
    this.#assertUsable();
    const t = peer.transports.get(transportId);
    if (!t || t.direction !== 'send') {
      throw new AppError(ErrorCode.TRANSPORT_NOT_FOUND, 'Not one of your send transports');
    }
    const expectedKind: types.MediaKind = input.source === 'mic' ? 'audio' : 'video';
    if (input.kind !== expectedKind) {
      throw new AppError(ErrorCode.VALIDATION, `source ${input.source} must be ${expectedKind}`, {
        fields: { kind: [`must be ${expectedKind} for source ${input.source}`] },
      });
    }
    assertRtpParametersBounded(input.rtpParameters, input.source);
    const release = peer.claim(`producer:${input.source}`);
    if (!release || peer.producerOf(input.source)) {
      release?.();
      throw new AppError(ErrorCode.CONFLICT, `You already produce ${input.source}`);
    }
    let producer: types.Producer;
    try {
      producer = await t.transport.produce({
        kind: input.kind,
        rtpParameters: input.rtpParameters,
        paused: input.paused,
        appData: { peerId: peer.id, userId: peer.userId, source: input.source },
      });
    } catch (err) {
      throw mediasoupInputError(err, 'rtpParameters');
    } finally {
      release();
    }
    if (peer.closed || producer.closed) {
      producer.close();
      throw goneWhileAwaiting(peer, 'producing');
    }
    peer.addProducer({ producer, source: input.source });
    producer.observer.once('close', () => {
      if (!this.#quiet && !this.#closed) {
        this.emit('producerClosed', { producerId: producer.id, peerId: peer.id });
      }
    });
    producer.on('score', (score) => this.emit('producerScore', { peer, producerId: producer.id, score }));
    if (producer.kind === 'audio') {
      this.#speaker.addProducer({ producerId: producer.id }).catch(() => undefined);
    }
    this.emit('newProducer', producerInfo(peer, { producer, source: input.source }));
    return producer;
  }

  async setProducerPaused(peer: PeerMedia, producerId: string, paused: boolean): Promise<void> {
    this.#assertUsable();
    const entry = peer.producers.get(producerId);
    if (!entry) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'Not one of your producers');
    if (entry.producer.paused === paused) return;
    if (paused) await entry.producer.pause();
    else await entry.producer.resume();
    this.emit(paused ? 'producerPaused' : 'producerResumed', { producerId, peerId: peer.id });
  }

  /**
   * A moderator's mute: pauses the user's producer of `source` in this room (others get
   * producerPaused as for any pause; the owner may resume it). Returns the ids it paused.
   */
  async pauseUserSource(userId: number, source: Source): Promise<string[]> {
    const paused: string[] = [];
    for (const peer of [...this.peers.values()]) {
      if (peer.userId !== userId) continue;
      const entry = peer.producerOf(source);
      if (!entry || entry.producer.paused) continue;
      await this.setProducerPaused(peer, entry.producer.id, true);
      paused.push(entry.producer.id);
    }
    return paused;
  }

  closeProducer(peer: PeerMedia, producerId: string): void {
    const entry = peer.producers.get(producerId);
    if (!entry) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'Not one of your producers');
    entry.producer.close();
  }

  async consume(
    peer: PeerMedia,
    transportId: string,
    producerId: string,
    rtpCapabilities: types.RtpCapabilities,
  ): Promise<{ consumer: types.Consumer; producer: ProducerInfo }> {
    this.#assertUsable();
    const t = peer.transports.get(transportId);
    if (!t || t.direction !== 'recv') {
      throw new AppError(ErrorCode.TRANSPORT_NOT_FOUND, 'Not one of your recv transports');
    }
    const local = this.findProducer(producerId);
    const external = local ? undefined : this.#external.get(producerId);
    const found = local
      ? { producer: local.entry.producer, info: producerInfo(local.peer, local.entry) }
      : external && !external.producer.closed
        ? { producer: external.producer, info: externalInfo(external.info, external.producer) }
        : undefined;
    if (!found) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'No such producer in this room');
    if (local?.peer === peer)
      throw new AppError(ErrorCode.CANNOT_CONSUME, 'Cannot consume your own producer');
    const alreadyConsumed = () => [...peer.consumers.values()].some((c) => c.producerId === producerId);
    const release = peer.claim(`consumer:${producerId}`);
    if (!release || alreadyConsumed()) {
      release?.();
      throw new AppError(ErrorCode.CONFLICT, 'You already consume this producer');
    }
    try {
      return await this.#consume(peer, t.transport, found, rtpCapabilities);
    } finally {
      release();
    }
  }

  async #consume(
    peer: PeerMedia,
    transport: types.WebRtcTransport,
    found: { producer: types.Producer; info: ProducerInfo },
    rtpCapabilities: types.RtpCapabilities,
  ): Promise<{ consumer: types.Consumer; producer: ProducerInfo }> {
    const producerId = found.producer.id;
    let can: boolean;
    try {
      can = this.#router.canConsume({ producerId, rtpCapabilities });
    } catch (err) {
      throw mediasoupInputError(err, 'rtpCapabilities');
    }
    if (!can)
      throw new AppError(ErrorCode.CANNOT_CONSUME, 'Your RTP capabilities cannot receive this producer');
    let consumer: types.Consumer;
    try {
      consumer = await transport.consume({
        producerId,
        rtpCapabilities,
        paused: true,
        appData: { peerId: peer.id },
      });
    } catch (err) {
      throw mediasoupInputError(err, 'rtpCapabilities');
    }
    if (peer.closed || consumer.closed) {
      consumer.close();
      throw goneWhileAwaiting(peer, 'consuming');
    }
    peer.addConsumer(consumer);
    consumer.on('producerclose', () => {
      consumer.close();
      if (!this.#quiet) this.emit('consumerClosed', { peer, consumerId: consumer.id, producerId });
    });
    consumer.on('layerschange', (layers) =>
      this.emit('consumerLayersChanged', { peer, consumerId: consumer.id, layers }),
    );
    consumer.on('score', (score) => this.emit('consumerScore', { peer, consumerId: consumer.id, score }));
    return { consumer, producer: found.info };
  }

  async setConsumerPaused(peer: PeerMedia, consumerId: string, paused: boolean): Promise<void> {
    this.#assertUsable();
    const consumer = peer.consumers.get(consumerId);
    if (!consumer) throw new AppError(ErrorCode.CONSUMER_NOT_FOUND, 'Not one of your consumers');
    if (paused) await consumer.pause();
    else await consumer.resume();
  }

  async setConsumerLayers(
    peer: PeerMedia,
    consumerId: string,
    layers: { spatialLayer: number; temporalLayer?: number },
  ): Promise<void> {
    this.#assertUsable();
    const consumer = peer.consumers.get(consumerId);
    if (!consumer) throw new AppError(ErrorCode.CONSUMER_NOT_FOUND, 'Not one of your consumers');
    if (consumer.type !== 'simulcast' && consumer.type !== 'svc') {
      throw new AppError(ErrorCode.CONFLICT, 'Only simulcast/SVC consumers have layers');
    }
    await consumer.setPreferredLayers(layers);
  }

  async connectTransport(peer: PeerMedia, transportId: string, dtlsParameters: types.DtlsParameters) {
    this.#assertUsable();
    const t = peer.transports.get(transportId);
    if (!t) throw new AppError(ErrorCode.TRANSPORT_NOT_FOUND, 'Not one of your transports');
    try {
      await t.transport.connect({ dtlsParameters });
    } catch (err) {
      throw mediasoupInputError(err, 'dtlsParameters');
    }
  }

  async restartIce(peer: PeerMedia, transportId: string): Promise<types.IceParameters> {
    this.#assertUsable();
    const t = peer.transports.get(transportId);
    if (!t) throw new AppError(ErrorCode.TRANSPORT_NOT_FOUND, 'Not one of your transports');
    return t.transport.restartIce();
  }

  /** Object counts from the router itself (what mediasoup holds, not what our maps think). */
  async counts(): Promise<{ peers: number; transports: number; producers: number; consumers: number }> {
    const dump = await this.#router.dump();
    return {
      peers: this.peers.size,
      transports: dump.transportIds.length,
      producers: dump.mapProducerIdConsumerIds.length,
      consumers: dump.mapConsumerIdProducerId.length,
    };
  }

  /** Idempotent: closes peers first, then the router; emits `closed`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of [...this.peers.values()]) peer.close();
    this.#router.close();
    this.emit('closed');
    this.removeAllListeners();
  }

  #wireRouter(): void {
    const router = this.#router;
    this.#speaker.on('dominantspeaker', ({ producer }) => {
      const userId = (producer.appData as { userId?: unknown }).userId;
      this.emit('activeSpeaker', { userId: typeof userId === 'number' ? userId : null });
    });
    router.on('workerclose', () => {
      if (this.#closed || router !== this.#router) return;
      let done = false;
      const work = this.#recreate().finally(() => {
        done = true;
        if (this.#resetting === work) this.#resetting = undefined;
      });
      if (!done) this.#resetting = work;
    });
  }

  /** The worker died with our router: drop every media object, get a router on a live worker. */
  async #recreate(): Promise<void> {
    const deadPid = this.#worker.pid;
    this.log?.warn({ roomId: this.roomId, pid: deadPid }, 'room router lost with its worker, recreating');
    this.#quiet = true;
    for (const peer of this.peers.values()) peer.closeMedia();
    const deadline = Date.now() + RECREATE_TIMEOUT_MS;
    for (let delay = 50; ; delay = Math.min(delay * 2, 250)) {
      if (this.#closed) return;
      try {
        const parts = await RoomMedia.#createRouter(this.roomId, this.pool);
        if (this.#closed) {
          parts.router.close();
          return;
        }
        this.#router = parts.router;
        this.#worker = parts.worker;
        this.#speaker = parts.speaker;
        this.#wireRouter();
        break;
      } catch (err) {
        // Typically "no live mediasoup worker" until the pool has replaced the dead one.
        if (Date.now() > deadline || this.pool.closed) {
          this.log?.error({ roomId: this.roomId, err }, 'could not recreate room router; closing room media');
          this.close();
          return;
        }
        // Retry as soon as the pool has a replacement worker (or after a short delay).
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            this.pool.off('workerReplaced', done);
            resolve();
          };
          const timer = setTimeout(done, delay);
          this.pool.once('workerReplaced', done);
        });
      }
    }
    this.log?.info({ roomId: this.roomId, oldPid: deadPid, pid: this.#worker.pid }, 'room router recreated');
    this.#resetting = undefined;
    this.#quiet = false;
    this.emit('reset', { reason: 'workerDied' });
  }
}

function producerInfo(peer: PeerMedia, p: PeerProducer): ProducerInfo {
  return {
    producerId: p.producer.id,
    userId: peer.userId,
    peerId: peer.id,
    kind: p.producer.kind,
    source: p.source,
    paused: p.producer.paused,
  };
}

function externalInfo(info: ExternalProducerInfo, producer: types.Producer): ProducerInfo {
  return { ...info, peerId: `node:${info.nodeId}`, paused: producer.paused };
}

/** The peer left, or the router went (worker died), while a media object was being created. */
function goneWhileAwaiting(peer: PeerMedia, doing: string): AppError {
  return peer.closed
    ? new AppError(ErrorCode.NOT_IN_ROOM, `Left the room while ${doing}`)
    : new AppError(ErrorCode.MEDIA_UNAVAILABLE, `Room media was reset while ${doing}; wait for mediaReset`);
}

/** A transport whose ICE or DTLS has given up: the client may replace it with a new one. */
function isBroken(transport: types.WebRtcTransport): boolean {
  return (
    transport.iceState === 'disconnected' ||
    transport.iceState === 'closed' ||
    transport.dtlsState === 'failed' ||
    transport.dtlsState === 'closed'
  );
}
