import { EventEmitter } from 'node:events';
import { ErrorCode } from '@minimeet/shared';
import type { types } from 'mediasoup';
import { AppError } from '../common/app-error.js';
import { PeerMedia, type Direction, type PeerProducer, type Source } from './peer-media.js';
import { mediasoupInputError } from './mediasoup-input-error.js';
import { choosePlacement } from './peer-placement.js';
import { ProducerPipes } from './producer-pipes.js';
import { RoomRouter } from './room-router.js';
import { RoomSpeaker, type HeardProducer } from './room-speaker.js';
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
  /**
   * A worker died with routers of this room: `peers` (those homed on them) lost every media
   * object and must start over; the other peers keep theirs (their consumers of the lost peers'
   * producers were closed with consumerClosed, the lost producers announced with producerClosed).
   */
  reset: [{ reason: 'workerDied'; peers: PeerMedia[] }];
  closed: [];
}

/** How long recreating a router after a worker death may keep retrying. */
const RECREATE_TIMEOUT_MS = 30_000;

export interface RoomMediaOptions {
  /** Cap (bps) on what one client may send into each of its transports. */
  maxIncomingBitrate: number;
  /**
   * Worker load (routers + consumers) at which new peers spill onto a router on another worker
   * (see choosePlacement). Unset: the room stays on the routers it has while one is usable.
   */
  routerSpillLoad?: number;
}

/** One of the room's routers as admin stats show it. */
export interface RoomRouterInfo {
  workerPid: number;
  routerId: string;
  /** Ids of the peers homed on it. */
  peerIds: string[];
}

/** A producer created outside this room's peers (e.g. piped in from another node). */
interface ExternalProducer {
  info: Omit<ProducerInfo, 'paused'>;
  producer: types.Producer;
  router: RoomRouter;
}

/** Where a producer of the room lives. */
interface LocatedProducer {
  producer: types.Producer;
  router: RoomRouter;
  info: ProducerInfo;
  /** The local peer producing it; undefined for an external producer. */
  peer: PeerMedia | undefined;
}

/**
 * One room's media on this node: one router per worker the room uses, an ActiveSpeakerObserver
 * that hears every audio producer (RoomSpeaker), and the peers. Each peer is homed on one router (its
 * transports, producers and consumers live there); a peer consuming a producer homed on another
 * router gets it through `pipeToRouter`, made once per (producer, router). Only the room wires
 * peers together (a new producer is announced, consumers of a closed producer are reported).
 * Knows nothing of HTTP or sockets.
 */
export class RoomMedia extends EventEmitter<RoomMediaEvents> {
  readonly peers = new Map<string, PeerMedia>();
  /** The room's routers by worker pid (at most one per worker). */
  readonly #routers = new Map<number, RoomRouter>();
  readonly #pipes = new ProducerPipes();
  readonly #external = new Map<string, ExternalProducer>();
  /** Every router is made with MEDIA_CODECS, so they all have these capabilities. */
  readonly #rtpCapabilities: types.RtpCapabilities;
  readonly #spillLoad: number;
  readonly #speaker: RoomSpeaker;
  /** Placements run one after another, so concurrent joins never make two routers on one worker. */
  #placing: Promise<unknown> = Promise.resolve();
  #closed = false;
  /** Set while the room has no usable router and one is being recreated after a worker death. */
  #resetting: Promise<void> | undefined;

  private constructor(
    readonly roomId: number,
    private readonly pool: WorkerPool,
    private readonly log: MediaLogger | undefined,
    private readonly options: RoomMediaOptions,
    first: RoomRouter,
  ) {
    super();
    this.#rtpCapabilities = first.router.rtpCapabilities;
    this.#spillLoad = options.routerSpillLoad ?? Number.POSITIVE_INFINITY;
    this.#speaker = new RoomSpeaker(
      roomId,
      this.#pipes,
      (producer) => this.emit('activeSpeaker', { userId: this.#userIdOf(producer) }),
      log,
    );
    this.#adoptRouter(first);
  }

  static async create(
    roomId: number,
    pool: WorkerPool,
    options: RoomMediaOptions,
    log?: MediaLogger,
  ): Promise<RoomMedia> {
    const { router, worker } = await pool.createRouter({ roomId });
    const room = new RoomMedia(roomId, pool, log, options, new RoomRouter(router, worker));
    try {
      await room.#makeSpeaker();
    } catch (err) {
      room.close();
      throw err;
    }
    return room;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The worker of the room's speaker router (else of its first usable router); 0 when it has none. */
  get workerPid(): number {
    return this.#speaker.router?.workerPid ?? this.#usableRouters()[0]?.workerPid ?? 0;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.#rtpCapabilities;
  }

  /** The room's usable routers: which worker, and who is homed there. */
  routers(): RoomRouterInfo[] {
    return this.#usableRouters().map((r) => ({
      workerPid: r.workerPid,
      routerId: r.id,
      peerIds: [...r.homedPeerIds],
    }));
  }

  /** The router `peer`'s transports live on (undefined before its first transport or after a reset). */
  homeRouter(peer: PeerMedia): types.Router | undefined {
    return peer.home?.usable ? peer.home.router : undefined;
  }

  /** The router a producer of the room lives on (its producer's home, or where it was registered). */
  routerFor(producerId: string): types.Router | undefined {
    return this.#locate(producerId)?.router.router;
  }

  /**
   * A router of this room to bring a producer into from elsewhere (e.g. another node's pipe
   * transport), chosen as a new peer's home would be; then `addExternalProducer`.
   */
  async ingressRouter(): Promise<types.Router> {
    this.#assertUsable();
    return (await this.#serialized(() => this.#placeRouter())).router;
  }

  /**
   * Makes a producer that lives on one of this room's routers (made by someone else, e.g. a pipe
   * producer from another node) consumable by the room's peers and heard by the speaker
   * observer; announces it with newProducer. From then on the room owns it: the returned
   * disposer closes it (consumers close, producerClosed is announced), as does the room's close.
   */
  addExternalProducer(
    info: Omit<ProducerInfo, 'producerId' | 'kind' | 'paused'>,
    producer: types.Producer,
    router: types.Router,
  ): () => void {
    this.#assertUsable();
    const home = [...this.#routers.values()].find((r) => r.router === router && r.usable);
    if (!home) throw new Error('addExternalProducer: the producer must live on a usable router of this room');
    if (producer.closed) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'The producer is closed');
    if (this.#locate(producer.id)) {
      throw new AppError(ErrorCode.CONFLICT, `Producer ${producer.id} is already in room ${this.roomId}`);
    }
    const entry: ExternalProducer = {
      info: { ...info, producerId: producer.id, kind: producer.kind },
      producer,
      router: home,
    };
    this.#external.set(producer.id, entry);
    producer.observer.once('close', () => {
      if (this.#external.get(producer.id) !== entry) return;
      this.#external.delete(producer.id);
      if (!this.#closed) this.emit('producerClosed', { producerId: producer.id, peerId: info.peerId });
    });
    this.#speaker.hear(producer, home);
    this.emit('newProducer', { ...entry.info, paused: producer.paused });
    return () => producer.close();
  }

  /** Resolves once a reset in progress is over. */
  async ready(): Promise<void> {
    if (this.#resetting) await this.#resetting;
  }

  addPeer(peer: PeerMedia): void {
    this.peers.set(peer.id, peer);
    peer.once('closed', () => {
      this.peers.delete(peer.id);
      peer.home?.homedPeerIds.delete(peer.id);
    });
  }

  /** Every producer of the room (external ones included) except those of `exceptPeerId`. */
  producers(exceptPeerId?: string): ProducerInfo[] {
    const out: ProducerInfo[] = [];
    for (const peer of this.peers.values()) {
      if (peer.id === exceptPeerId) continue;
      for (const p of peer.producers.values()) out.push(producerInfo(peer, p));
    }
    for (const e of this.#external.values()) {
      if (e.info.peerId !== exceptPeerId) out.push({ ...e.info, paused: e.producer.paused });
    }
    return out;
  }

  findProducer(producerId: string): { peer: PeerMedia; entry: PeerProducer } | undefined {
    for (const peer of this.peers.values()) {
      const entry = peer.producers.get(producerId);
      if (entry) return { peer, entry };
    }
    return undefined;
  }

  #locate(producerId: string): LocatedProducer | undefined {
    const found = this.findProducer(producerId);
    if (found?.peer.home) {
      return {
        producer: found.entry.producer,
        router: found.peer.home,
        info: producerInfo(found.peer, found.entry),
        peer: found.peer,
      };
    }
    const e = this.#external.get(producerId);
    if (!e) return undefined;
    return { producer: e.producer, router: e.router, info: { ...e.info, paused: e.producer.paused }, peer: undefined };
  }

  #assertUsable(): void {
    if (this.#closed || this.#resetting) {
      throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'Room media is being recreated; wait for mediaReset');
    }
  }

  /** The peer's home router, placing the peer first when it has none. */
  async #homeOf(peer: PeerMedia): Promise<RoomRouter> {
    if (peer.home?.usable) return peer.home;
    return this.#serialized(async () => {
      if (peer.home?.usable) return peer.home;
      if (peer.closed) throw goneWhileAwaiting(peer, 'joining media');
      const home = await this.#placeRouter();
      if (peer.closed) throw goneWhileAwaiting(peer, 'joining media');
      peer.home?.homedPeerIds.delete(peer.id);
      peer.home = home;
      home.homedPeerIds.add(peer.id);
      this.log?.debug(
        { roomId: this.roomId, peerId: peer.id, pid: home.workerPid, routers: this.#routers.size },
        'peer homed',
      );
      return home;
    });
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#placing.then(work);
    this.#placing = run.catch(() => undefined);
    return run;
  }

  /** A router for one more peer: an existing one, or a new one on another worker (spill). */
  async #placeRouter(): Promise<RoomRouter> {
    const choice = choosePlacement([...this.#routers.values()], this.pool.workers, this.#spillLoad);
    if (!choice) throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'No live media worker; retry shortly');
    if ('router' in choice) return choice.router;
    let added: RoomRouter;
    try {
      added = await this.#addRouter(choice.newRouterOn);
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.log?.warn({ roomId: this.roomId, err }, 'could not add a room router');
      throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'Could not open media on a worker; retry shortly');
    }
    this.#makeSpeaker().catch((err: unknown) =>
      this.log?.warn({ roomId: this.roomId, err }, 'could not make the active speaker observer'),
    );
    return added;
  }

  async #addRouter(on: PoolWorker | undefined): Promise<RoomRouter> {
    const { router, worker } = await this.pool.createRouter({ roomId: this.roomId }, on);
    if (this.#closed) {
      router.close();
      throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'Room media closed');
    }
    const existing = this.#routers.get(worker.pid);
    if (existing?.usable) {
      router.close();
      return existing;
    }
    const added = new RoomRouter(router, worker);
    this.#adoptRouter(added);
    this.log?.info({ roomId: this.roomId, pid: worker.pid, routers: this.#routers.size }, 'room router added');
    return added;
  }

  #adoptRouter(r: RoomRouter): void {
    this.#routers.set(r.workerPid, r);
    r.router.on('workerclose', () => this.#onRouterLost(r));
  }

  #usableRouters(): RoomRouter[] {
    return [...this.#routers.values()].filter((r) => r.usable);
  }

  /** Makes the speaker observer on a usable router unless one is there; it hears every audio producer. */
  #makeSpeaker(): Promise<void> {
    return this.#speaker.ensure(this.#usableRouters()[0], () => this.#audioProducers());
  }

  *#audioProducers(): Iterable<HeardProducer> {
    for (const peer of this.peers.values()) {
      const home = peer.home;
      if (!home) continue;
      for (const { producer } of peer.producers.values()) yield { producer, router: home };
    }
    for (const e of this.#external.values()) yield { producer: e.producer, router: e.router };
  }

  #userIdOf(producer: types.Producer): number | null {
    const located = this.#locate(producer.id);
    if (located) return located.info.userId;
    const userId = (producer.appData as { userId?: unknown }).userId;
    return typeof userId === 'number' ? userId : null;
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
      const home = await this.#homeOf(peer);
      let transport: types.WebRtcTransport;
      try {
        transport = await createWebRtcTransport(home.router, home.worker, {
          appData: { peerId: peer.id, direction },
          maxIncomingBitrate: this.options.maxIncomingBitrate,
        });
      } catch (err) {
        if (!home.usable) throw goneWhileAwaiting(peer, 'creating the transport');
        throw err;
      }
      if (peer.closed || transport.closed || peer.home !== home) {
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
    const home = peer.home;
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
      if (!this.#closed) this.emit('producerClosed', { producerId: producer.id, peerId: peer.id });
    });
    producer.on('score', (score) => this.emit('producerScore', { peer, producerId: producer.id, score }));
    this.#speaker.hear(producer, home);
    this.emit('newProducer', producerInfo(peer, { producer, source: input.source }));
    return producer;
  }

  async setProducerPaused(peer: PeerMedia, producerId: string, paused: boolean): Promise<void> {
    this.#assertUsable();
    const entry = peer.producers.get(producerId);
    if (!entry) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'Not one of your producers');
    if (entry.producer.paused === paused) return;
    // Pipes to other routers follow (pipeToRouter wires pause/resume through).
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
    const found = this.#locate(producerId);
    if (!found) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'No such producer in this room');
    if (found.peer === peer) throw new AppError(ErrorCode.CANNOT_CONSUME, 'Cannot consume your own producer');
    const alreadyConsumed = () => [...peer.consumers.values()].some((c) => c.producerId === producerId);
    const release = peer.claim(`consumer:${producerId}`);
    if (!release || alreadyConsumed()) {
      release?.();
      throw new AppError(ErrorCode.CONFLICT, 'You already consume this producer');
    }
    try {
      const home = peer.home;
      if (!home?.usable) throw goneWhileAwaiting(peer, 'consuming');
      let local: types.Producer;
      try {
        local = await this.#pipes.pipe(found.producer, found.router.router, home.router);
      } catch (err) {
        if (found.producer.closed) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'The producer closed');
        if (!home.usable || !found.router.usable) throw goneWhileAwaiting(peer, 'consuming');
        throw err;
      }
      if (peer.closed || t.transport.closed) throw goneWhileAwaiting(peer, 'consuming');
      if (local.closed) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'The producer closed');
      return await this.#consume(peer, t.transport, home, found.info, rtpCapabilities);
    } finally {
      release();
    }
  }

  async #consume(
    peer: PeerMedia,
    transport: types.WebRtcTransport,
    home: RoomRouter,
    info: ProducerInfo,
    rtpCapabilities: types.RtpCapabilities,
  ): Promise<{ consumer: types.Consumer; producer: ProducerInfo }> {
    const producerId = info.producerId;
    let can: boolean;
    try {
      can = home.router.canConsume({ producerId, rtpCapabilities });
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
      if (!this.#closed) this.emit('consumerClosed', { peer, consumerId: consumer.id, producerId });
    });
    consumer.on('layerschange', (layers) =>
      this.emit('consumerLayersChanged', { peer, consumerId: consumer.id, layers }),
    );
    consumer.on('score', (score) => this.emit('consumerScore', { peer, consumerId: consumer.id, score }));
    return { consumer, producer: info };
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

  /**
   * Object counts from the routers themselves (what mediasoup holds, not what our maps think),
   * over all the room's routers: pipe transports and their consumers are not counted, and a
   * producer piped to other routers counts once.
   */
  async counts(): Promise<{ peers: number; transports: number; producers: number; consumers: number }> {
    const parts = await Promise.all(this.#usableRouters().map((r) => r.counts()));
    const producers = new Set(parts.flatMap((p) => p.producerIds));
    return {
      peers: this.peers.size,
      transports: parts.reduce((n, p) => n + p.transports, 0),
      producers: producers.size,
      consumers: parts.reduce((n, p) => n + p.consumers, 0),
    };
  }

  /** Idempotent: closes peers first, then pipes and routers; emits `closed`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of [...this.peers.values()]) peer.close();
    this.#speaker.close();
    this.#pipes.close();
    for (const r of this.#routers.values()) r.router.close();
    this.#routers.clear();
    this.#external.clear();
    this.emit('closed');
    this.removeAllListeners();
  }

  /**
   * A worker died with one of our routers. Its peers' objects are already closed by mediasoup
   * (producerClosed went out for their producers; pipes from it closed, so consumers of them on
   * other routers reported consumerClosed). Those peers are reset; the others keep their media.
   */
  #onRouterLost(lost: RoomRouter): void {
    if (this.#closed || this.#routers.get(lost.workerPid) !== lost) return;
    this.#routers.delete(lost.workerPid);
    const affected = [...this.peers.values()].filter((p) => p.home === lost);
    for (const peer of affected) {
      peer.closeMedia();
      peer.home = undefined;
    }
    lost.homedPeerIds.clear();
    this.#speaker.routerLost(lost);
    this.log?.warn(
      { roomId: this.roomId, pid: lost.workerPid, peersReset: affected.length, routersLeft: this.#routers.size },
      'room router lost with its worker',
    );
    if (this.#usableRouters().length === 0) {
      // Nothing left to place peers on: get a router before anyone is told to start over.
      const work = this.#recreate(affected, lost.workerPid).finally(() => {
        if (this.#resetting === work) this.#resetting = undefined;
      });
      this.#resetting = work;
      return;
    }
    this.#makeSpeaker().catch((err: unknown) =>
      this.log?.warn({ roomId: this.roomId, err }, 'could not remake the active speaker observer'),
    );
    this.#emitReset(affected);
  }

  #emitReset(affected: PeerMedia[]): void {
    const peers = affected.filter((p) => !p.closed && this.peers.get(p.id) === p);
    if (peers.length) this.emit('reset', { reason: 'workerDied', peers });
  }

  /** The room lost its last router: get one on a live worker (waiting for the pool to replace the dead one). */
  async #recreate(affected: PeerMedia[], deadPid: number): Promise<void> {
    const deadline = Date.now() + RECREATE_TIMEOUT_MS;
    for (let delay = 50; ; delay = Math.min(delay * 2, 250)) {
      if (this.#closed) return;
      try {
        await this.#addRouter(undefined);
        break;
      } catch (err) {
        if (this.#closed) return;
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
    await this.#makeSpeaker().catch((err: unknown) =>
      this.log?.warn({ roomId: this.roomId, err }, 'could not remake the active speaker observer'),
    );
    if (this.#closed) return;
    this.log?.info({ roomId: this.roomId, oldPid: deadPid, pid: this.workerPid }, 'room router recreated');
    this.#resetting = undefined;
    this.#emitReset(affected);
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

/** The peer left, or the router went (worker died), while a media object was being created. */
function goneWhileAwaiting(peer: PeerMedia, doing: string): AppError {
  return peer.closed
    ? new AppError(ErrorCode.NOT_IN_ROOM, `Left the room while ${doing}`)
    : new AppError(ErrorCode.MEDIA_UNAVAILABLE, `Your media was reset while ${doing}; wait for mediaReset`);
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
