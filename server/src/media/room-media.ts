import { EventEmitter } from 'node:events';
import { ErrorCode } from '@minimeet/shared';
import type { types } from 'mediasoup';
import { AppError } from '../common/app-error.js';
import { assertVideoConsumerRoom } from './consumer-cap.js';
import type { Direction, PeerMedia, ProduceInput, Source } from './peer-media.js';
import { RouterPipes } from './router-pipes.js';
import { ProducerRegistry, producerInfo, type ProducerInfo, type RoomProducer } from './producer-registry.js';
import type { RoomMediaEvents, RoomMediaOptions } from './room-media-types.js';
import { RoomRouter } from './room-router.js';
import { RoomRouters, type RoomRouterInfo, type RoomRoutersHooks } from './room-routers.js';
import { RoomSpeaker } from './room-speaker.js';
import { LayerDemand } from './layer-demand.js';
import { LoudestRanking } from './loudest-ranking.js';
import type { MediaLogger, WorkerPool } from './worker-pool.js';

export type { ProducerInfo, RoomProducer } from './producer-registry.js';
export type { RoomRouterInfo } from './room-routers.js';
export type { RoomMediaEvents, RoomMediaOptions } from './room-media-types.js';

/**
 * One room's media on this node, in the shape of mediasoup-demo's Room: its routers
 * (RoomRouters: one per worker the room uses, placement, rebuild after a worker death), one
 * ActiveSpeakerObserver (RoomSpeaker), every producer behind one lookup (ProducerRegistry) and
 * the peers (PeerMedia: each does its own operations on its home router). A peer consuming a
 * producer homed on another router gets it through a pipe made once per (producer, router). Only
 * the room wires peers together (announces producers, reports consumers of closed ones).
 * Knows nothing of HTTP or sockets.
 */
export class RoomMedia extends EventEmitter<RoomMediaEvents> {
  readonly peers = new Map<string, PeerMedia>();
  readonly #routers: RoomRouters;
  readonly #producers = new ProducerRegistry();
  readonly #pipes = new RouterPipes();
  readonly #speaker: RoomSpeaker;
  /** The microphones ranked by loudness: each receiver consumes the K loudest not its own. */
  readonly #loudest: LoudestRanking;
  /** Which simulcast layers of each local video producer anyone consumes. */
  readonly #layers: LayerDemand;
  /** Every router is made with MEDIA_CODECS, so they all have these capabilities. */
  readonly rtpCapabilities: types.RtpCapabilities;
  #closed = false;
  /** The observer's last dominant speaker (it reports changes only; joiners are told this). */
  #dominant: number | null = null;

  private constructor(
    readonly roomId: number,
    private readonly log: MediaLogger | undefined,
    private readonly options: RoomMediaOptions,
    pool: WorkerPool,
    first: RoomRouter,
  ) {
    super();
    this.rtpCapabilities = first.router.rtpCapabilities;
    this.#loudest = new LoudestRanking({ k: options.audioLoudestK ?? 3 });
    this.#layers = new LayerDemand(
      (producer, maxSpatialLayer) => {
        if (this.#closed) return;
        const peer = this.#producers.find(producer.id)?.peer;
        if (peer) this.emit('producerLayersWanted', { peer, producerId: producer.id, maxSpatialLayer });
        else this.emit('pipedLayersWanted', { producerId: producer.id, maxSpatialLayer });
      },
      undefined,
      (producer) => {
        if (!this.#closed && !this.#producers.find(producer.id)?.peer)
          this.emit('pipedProducerUnused', { producerId: producer.id });
      },
    );
    this.#speaker = new RoomSpeaker(
      roomId,
      this.#pipes,
      this.#producers,
      () => this.#routers.usable()[0],
      (userId) => {
        this.#dominant = userId;
        this.emit('activeSpeaker', { userId });
      },
      log,
      (volumes) => {
        if (this.#loudest.tick(volumes)) this.#audibleChanged();
      },
      Math.max(16, 2 * (this.#loudest.k + 1)),
    );
    const hooks: RoomRoutersHooks = {
      added: () => void this.#speaker.remake('could not make the active speaker observer'),
      lost: (router) => this.#speaker.routerLost(router),
      recreated: () => this.#speaker.remake('could not remake the active speaker observer'),
      rebuilt: (peers) => this.#emitReset(peers),
      failed: () => this.close(),
    };
    const spillLoad = options.routerSpillLoad ?? Number.POSITIVE_INFINITY;
    this.#routers = new RoomRouters(roomId, pool, spillLoad, log, hooks, () => this.peers.values(), first);
  }

  static async create(
    roomId: number,
    pool: WorkerPool,
    options: RoomMediaOptions,
    log?: MediaLogger,
  ): Promise<RoomMedia> {
    const { router, worker } = await pool.createRouter({ roomId });
    const room = new RoomMedia(roomId, log, options, pool, new RoomRouter(router, worker));
    try {
      await room.#speaker.ensure();
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
    return this.#speaker.router?.workerPid ?? this.#routers.usable()[0]?.workerPid ?? 0;
  }

  /** The room's usable routers: which worker, and who is homed there. */
  routers(): RoomRouterInfo[] {
    return this.#routers.info();
  }

  /** The router `peer`'s transports live on (undefined before its first transport or after a reset). */
  homeRouter(peer: PeerMedia): types.Router | undefined {
    return peer.home?.usable ? peer.home.router : undefined;
  }

  /** The router a producer of the room lives on (its producer's home, or where it was registered). */
  routerFor(producerId: string): types.Router | undefined {
    return this.#producers.find(producerId)?.router.router;
  }

  /**
   * The router this node's media pipes to other nodes live on: the speaker observer's router (so
   * piped-in audio is heard without another hop), else the first usable one.
   */
  pipeRouter(): types.Router {
    this.#assertUsable();
    const speaker = this.#speaker.router;
    const router = speaker?.usable ? speaker : this.#routers.usable()[0];
    if (!router) throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'Room media has no router right now');
    return router.router;
  }

  /** Makes a producer of this room consumable on `router` (one of the room's): piped there once. */
  async ensureProducerOn(producerId: string, router: types.Router): Promise<void> {
    const found = this.#producers.find(producerId);
    if (!found) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'No such producer in this room');
    const target = this.#routers.find(router);
    if (!target) throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'That router is not usable in this room');
    await this.#pipes.pipe(found, target.router);
  }

  /**
   * A router of this room to bring a producer into from elsewhere (e.g. another node's pipe
   * transport), chosen as a new peer's home would be; then `addExternalProducer`.
   */
  async ingressRouter(): Promise<types.Router> {
    this.#assertUsable();
    return (await this.#routers.ingress()).router;
  }

  /**
   * Makes a producer that lives on one of this room's routers (made by someone else, e.g. a pipe
   * producer from another node) consumable by the room's peers and heard by the speaker
   * observer. It is not announced (no newProducer / producerClosed): its origin announces it to
   * everyone. From then on the room owns it: the returned disposer closes it (its consumers
   * close), as does the room's close.
   */
  addExternalProducer(
    info: Omit<ProducerInfo, 'producerId' | 'kind' | 'paused'>,
    producer: types.Producer,
    router: types.Router,
  ): () => void {
    this.#assertUsable();
    const home = this.#routers.find(router);
    if (!home) throw new Error('addExternalProducer: the producer must live on a usable router of this room');
    this.#producers.addExternal({ ...info, producer, router: home, peer: undefined }, this.roomId);
    this.#speaker.hear(producer, home);
    this.#rankMicrophone(producer);
    this.#layers.track(producer);
    return () => producer.close();
  }

  /** Resolves once a reset in progress is over. */
  ready(): Promise<void> {
    return this.#routers.ready();
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
    return this.#producers.list(exceptPeerId);
  }

  /** A producer of the room, local (`peer` set) or brought in from elsewhere. */
  producer(producerId: string): RoomProducer | undefined {
    return this.#producers.find(producerId);
  }

  async createTransport(
    peer: PeerMedia,
    direction: Direction,
    connectionId: string,
  ): Promise<types.WebRtcTransport> {
    this.#assertUsable();
    return peer.createTransport(direction, connectionId, {
      place: () => this.#routers.homeOf(peer),
      settings: {
        appData: { peerId: peer.id, direction },
        maxIncomingBitrate: this.options.maxIncomingBitrate,
        ...(direction === 'recv' ? { minOutgoingBitrate: this.options.minOutgoingBitrate } : {}),
      },
      stateLog: this.log && { log: this.log, roomId: this.roomId },
    });
  }

  async produce(peer: PeerMedia, transportId: string, input: ProduceInput): Promise<types.Producer> {
    this.#assertUsable();
    return peer.produce(transportId, input, (entry) => {
      const { producer } = entry;
      this.#producers.add(entry);
      producer.observer.once('close', () => {
        if (!this.#closed) this.emit('producerClosed', { producerId: producer.id, peerId: peer.id });
      });
      producer.on('score', (score) => this.emit('producerScore', { peer, producerId: producer.id, score }));
      this.#speaker.hear(producer, entry.router);
      this.#rankMicrophone(producer);
      this.#layers.track(producer);
      this.emit('newProducer', producerInfo(entry));
    });
  }

  async setProducerPaused(peer: PeerMedia, producerId: string, paused: boolean): Promise<void> {
    this.#assertUsable();
    if (!(await peer.setProducerPaused(producerId, paused))) return;
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

  /** A webinar speaker sent back to the audience: its producers here close (others get producerClosed). */
  closeUserProducers(userId: number): string[] {
    const closed: string[] = [];
    for (const peer of [...this.peers.values()]) {
      if (peer.userId !== userId) continue;
      for (const id of [...peer.producers.keys()]) {
        peer.closeProducer(id);
        closed.push(id);
      }
    }
    return closed;
  }

  async consume(
    peer: PeerMedia,
    transportId: string,
    producerId: string,
    rtpCapabilities: types.RtpCapabilities,
  ): Promise<{ consumer: types.Consumer; producer: ProducerInfo }> {
    this.#assertUsable();
    const kind = this.#producers.find(producerId)?.producer.kind;
    if (kind === 'video') assertVideoConsumerRoom(peer, this.options.videoConsumersPerPeerMax);
    if (kind === 'audio' && !this.#audibleTo(peer, producerId)) {
      throw new AppError(
        ErrorCode.NOT_AUDIBLE,
        'Not among your loudest speakers now; wait for audibleProducers',
      );
    }
    const wire = (consumer: types.Consumer) => {
      consumer.on('producerclose', () => {
        consumer.close();
        if (!this.#closed)
          this.emit('consumerClosed', {
            peer,
            consumerId: consumer.id,
            producerId,
            reason: 'producerClosed',
          });
      });
      this.#layers.consumed(consumer);
      consumer.on('layerschange', (layers) =>
        this.emit('consumerLayersChanged', { peer, consumerId: consumer.id, layers }),
      );
      consumer.on('score', (score) => this.emit('consumerScore', { peer, consumerId: consumer.id, score }));
    };
    const { consumer, producer } = await peer.consume(transportId, producerId, rtpCapabilities, {
      producers: this.#producers,
      pipes: this.#pipes,
      adopted: wire,
    });
    // Consumes made at once all passed the check above: the last ones over the cap are undone.
    if (consumer.kind === 'video')
      assertVideoConsumerRoom(peer, this.options.videoConsumersPerPeerMax, consumer);
    // The ranking may have moved while the consumer was being made.
    if (consumer.kind === 'audio' && !this.#audibleTo(peer, producerId)) {
      consumer.close();
      throw new AppError(
        ErrorCode.NOT_AUDIBLE,
        'Not among your loudest speakers now; wait for audibleProducers',
      );
    }
    return { consumer, producer: producerInfo(producer) };
  }

  /** The dominant speaker now: null when none, or when their microphone is no longer in the room. */
  get activeSpeaker(): number | null {
    const userId = this.#dominant;
    if (userId === null) return null;
    for (const p of this.#producers.values()) if (p.userId === userId && p.producer.kind === 'audio') return userId;
    return null;
  }

  /** The loudest microphones now (K + 1, loudest first) and K; see AudibleProducersEvent. */
  audible(): { producerIds: string[]; limit: number } {
    return { producerIds: this.#loudest.audible, limit: this.#loudest.k };
  }

  /** A consumer's preferred layers were set: the sender's wanted layers may change. */
  consumerLayersSet(consumer: types.Consumer): void {
    this.#layers.preferredLayersChanged(consumer);
  }

  /** Layer demand of the room's video producers, local and piped in (cluster/ feeds other nodes' in). */
  get layerDemand(): LayerDemand {
    return this.#layers;
  }

  #audibleTo(peer: PeerMedia, producerId: string): boolean {
    return this.#loudest.audibleFor(new Set(peer.producers.keys())).includes(producerId);
  }

  #rankMicrophone(producer: types.Producer): void {
    if (producer.kind !== 'audio') return;
    if (this.#loudest.add(producer.id)) this.#audibleChanged();
    producer.observer.once('close', () => {
      if (!this.#closed && this.#loudest.remove(producer.id)) this.#audibleChanged();
    });
  }

  /** Tells the room, then closes each peer's audio consumers of microphones it may no longer hear. */
  #audibleChanged(): void {
    if (this.#closed) return;
    this.emit('audible', this.audible());
    for (const peer of [...this.peers.values()]) {
      const hear = new Set(this.#loudest.audibleFor(new Set(peer.producers.keys())));
      for (const consumer of [...peer.consumers.values()]) {
        if (consumer.kind !== 'audio' || hear.has(consumer.producerId) || consumer.closed) continue;
        consumer.close();
        this.emit('consumerClosed', {
          peer,
          consumerId: consumer.id,
          producerId: consumer.producerId,
          reason: 'inaudible',
        });
      }
    }
  }

  /** Runs one of a peer's own operations (e.g. peer.restartIce) while the room's media is usable. */
  async whileUsable<T>(operation: () => Promise<T>): Promise<T> {
    this.#assertUsable();
    return operation();
  }

  /**
   * Object counts from the routers themselves (what mediasoup holds, not what our maps think),
   * over all the room's routers: pipe transports and their consumers are not counted, and a
   * producer piped to other routers counts once.
   */
  async counts(): Promise<{ peers: number; transports: number; producers: number; consumers: number }> {
    return { peers: this.peers.size, ...(await this.#routers.counts()) };
  }

  /** Idempotent: closes peers first, then pipes and routers; emits `closed`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of [...this.peers.values()]) peer.close();
    this.#speaker.close();
    this.#layers.close();
    this.#pipes.close();
    this.#routers.close();
    this.#producers.clear();
    this.emit('closed');
    this.removeAllListeners();
  }

  #assertUsable(): void {
    if (this.#closed || this.#routers.resetting) {
      throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'Room media is being recreated; wait for mediaReset');
    }
  }

  #emitReset(affected: PeerMedia[]): void {
    const peers = affected.filter((p) => !p.closed && this.peers.get(p.id) === p);
    if (peers.length) this.emit('reset', { reason: 'workerDied', peers });
  }
}
