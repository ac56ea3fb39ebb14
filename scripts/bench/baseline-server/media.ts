import {
  ErrorCode,
  type ConsumeData,
  type MediaSource,
  type RemoteProducer,
  type ServerEvents,
  type TransportDirection,
  type WebRtcTransportInfo,
} from '@minimeet/shared';
import { createWorker, type types } from 'mediasoup';
import { MEDIA_CODECS } from '../../../server/src/media/media-codecs.js';
import { BaselineError, mediasoupInputError } from './errors.js';

export interface MediaOptions {
  workerCount: number;
  listenIp: string;
  rtcMinPort: number;
  rtcMaxPort: number;
}

/** Where media events go: the signaling layer maps them to sockets. */
export interface MediaEventSink {
  toRoomExcept<E extends keyof ServerEvents>(
    roomId: number,
    socketId: string,
    event: E,
    payload: ServerEvents[E],
  ): void;
  toSocket<E extends keyof ServerEvents>(socketId: string, event: E, payload: ServerEvents[E]): void;
}

export interface BaselineWorker {
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  /** Routers + consumers on it (least-loaded pick, like MiniMeet's pool). */
  load: number;
}

export interface Peer {
  socketId: string;
  userId: number;
  roomId: number;
  transports: Map<string, { transport: types.WebRtcTransport; direction: TransportDirection }>;
  producers: Map<string, { producer: types.Producer; source: MediaSource }>;
  consumers: Map<string, types.Consumer>;
}

export interface MediaRoom {
  roomId: number;
  router: types.Router;
  worker: BaselineWorker;
  /** socket id → peer. */
  peers: Map<string, Peer>;
}

/**
 * Bare mediasoup: one worker per core with a WebRtcServer each, one router per room, one
 * send and one recv WebRtcTransport per peer; consumers start paused and are resumed by the
 * client. No active-speaker observer, no reconnect grace, no worker respawn.
 */
export class BaselineMedia {
  readonly rooms = new Map<number, MediaRoom>();
  readonly #creating = new Map<number, Promise<MediaRoom>>();

  private constructor(
    readonly workers: BaselineWorker[],
    private readonly sink: MediaEventSink,
  ) {}

  static async start(options: MediaOptions, sink: MediaEventSink): Promise<BaselineMedia> {
    const workers: BaselineWorker[] = [];
    try {
      for (let i = 0; i < options.workerCount; i++) {
        const worker = await createWorker({ logLevel: 'warn' });
        worker.once('died', (err) => {
          console.error(`[baseline] mediasoup worker ${worker.pid} died: ${err.message}`);
          process.exit(1);
        });
        workers.push({ worker, webRtcServer: await webRtcServerOn(worker, options, i), load: 0 });
      }
    } catch (err) {
      for (const w of workers) w.worker.close();
      throw err;
    }
    return new BaselineMedia(workers, sink);
  }

  close(): void {
    for (const w of this.workers) w.worker.close();
  }

  async room(roomId: number): Promise<MediaRoom> {
    const existing = this.rooms.get(roomId);
    if (existing) return existing;
    let pending = this.#creating.get(roomId);
    if (!pending) {
      pending = (async () => {
        const worker = this.workers.reduce((a, b) => (b.load < a.load ? b : a));
        worker.load++;
        const router = await worker.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
        router.observer.once('close', () => worker.load--);
        const room: MediaRoom = { roomId, router, worker, peers: new Map() };
        this.rooms.set(roomId, room);
        return room;
      })().finally(() => this.#creating.delete(roomId));
      this.#creating.set(roomId, pending);
    }
    return pending;
  }

  async addPeer(roomId: number, socketId: string, userId: number): Promise<{ room: MediaRoom; peer: Peer }> {
    const room = await this.room(roomId);
    let peer = room.peers.get(socketId);
    if (!peer) {
      peer = { socketId, userId, roomId, transports: new Map(), producers: new Map(), consumers: new Map() };
      room.peers.set(socketId, peer);
    }
    return { room, peer };
  }

  /** Every producer in the room except the given socket's. */
  producersOf(room: MediaRoom, exceptSocketId: string): RemoteProducer[] {
    const out: RemoteProducer[] = [];
    for (const peer of room.peers.values()) {
      if (peer.socketId === exceptSocketId) continue;
      for (const { producer, source } of peer.producers.values()) {
        out.push({
          producerId: producer.id,
          userId: peer.userId,
          kind: producer.kind,
          source,
          paused: producer.paused,
        });
      }
    }
    return out;
  }

  /** Closes the peer's media (consumers, producers, transports); closes the router when the room is empty. */
  removePeer(roomId: number, socketId: string): void {
    const room = this.rooms.get(roomId);
    const peer = room?.peers.get(socketId);
    if (!room || !peer) return;
    room.peers.delete(socketId);
    for (const { transport } of peer.transports.values()) transport.close();
    if (room.peers.size === 0) {
      this.rooms.delete(roomId);
      room.router.close();
    }
  }

  peer(roomId: number, socketId: string): { room: MediaRoom; peer: Peer } {
    const room = this.rooms.get(roomId);
    const peer = room?.peers.get(socketId);
    if (!room || !peer)
      throw new BaselineError(ErrorCode.NOT_IN_ROOM, `Join room ${roomId} on this connection first`);
    return { room, peer };
  }

  /** The caller's peer (in any of its rooms) that owns an id. */
  owner(socketId: string, roomIds: Iterable<number>, has: (p: Peer) => boolean, notFound: BaselineError) {
    for (const roomId of roomIds) {
      const room = this.rooms.get(roomId);
      const peer = room?.peers.get(socketId);
      if (room && peer && has(peer)) return { room, peer };
    }
    throw notFound;
  }

  async createTransport(
    room: MediaRoom,
    peer: Peer,
    direction: TransportDirection,
  ): Promise<WebRtcTransportInfo> {
    for (const t of peer.transports.values()) {
      if (t.direction === direction) {
        throw new BaselineError(ErrorCode.CONFLICT, `This connection already has a ${direction} transport`);
      }
    }
    const transport = await room.router.createWebRtcTransport({
      webRtcServer: room.worker.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
    });
    if (!room.peers.has(peer.socketId)) {
      transport.close();
      throw new BaselineError(ErrorCode.NOT_IN_ROOM, 'Left the room while creating the transport');
    }
    peer.transports.set(transport.id, { transport, direction });
    transport.observer.once('close', () => peer.transports.delete(transport.id));
    return {
      id: transport.id,
      direction,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters as WebRtcTransportInfo['dtlsParameters'],
      // The baseline has no TURN.
      iceServers: [],
      iceTransportPolicy: 'all',
    };
  }

  async connect(peer: Peer, transportId: string, dtlsParameters: object): Promise<void> {
    const t = peer.transports.get(transportId);
    if (!t) throw new BaselineError(ErrorCode.TRANSPORT_NOT_FOUND, 'Not one of your transports');
    try {
      await t.transport.connect({ dtlsParameters: dtlsParameters as types.DtlsParameters });
    } catch (err) {
      throw mediasoupInputError(err, 'dtlsParameters');
    }
  }

  async produce(
    room: MediaRoom,
    peer: Peer,
    req: {
      transportId: string;
      kind: types.MediaKind;
      rtpParameters: object;
      source: MediaSource;
      paused?: boolean;
    },
  ): Promise<string> {
    const t = peer.transports.get(req.transportId);
    if (!t || t.direction !== 'send') {
      throw new BaselineError(ErrorCode.TRANSPORT_NOT_FOUND, 'Not one of your send transports');
    }
    for (const p of peer.producers.values()) {
      if (p.source === req.source)
        throw new BaselineError(ErrorCode.CONFLICT, `You already produce ${req.source}`);
    }
    const expectedKind = req.source === 'mic' ? 'audio' : 'video';
    if (req.kind !== expectedKind) {
      throw new BaselineError(ErrorCode.VALIDATION, `source ${req.source} must be ${expectedKind}`);
    }
    let producer: types.Producer;
    try {
      producer = await t.transport.produce({
        kind: req.kind,
        rtpParameters: req.rtpParameters as types.RtpParameters,
        paused: req.paused ?? false,
      });
    } catch (err) {
      throw mediasoupInputError(err, 'rtpParameters');
    }
    if (!room.peers.has(peer.socketId)) {
      producer.close();
      throw new BaselineError(ErrorCode.NOT_IN_ROOM, 'Left the room while producing');
    }
    peer.producers.set(producer.id, { producer, source: req.source });
    producer.observer.once('close', () => {
      peer.producers.delete(producer.id);
      this.sink.toRoomExcept(room.roomId, peer.socketId, 'producerClosed', {
        roomId: room.roomId,
        producerId: producer.id,
      });
    });
    this.sink.toRoomExcept(room.roomId, peer.socketId, 'newProducer', {
      roomId: room.roomId,
      producerId: producer.id,
      userId: peer.userId,
      kind: producer.kind,
      source: req.source,
      paused: producer.paused,
    });
    return producer.id;
  }

  async setProducerPaused(room: MediaRoom, peer: Peer, producerId: string, paused: boolean): Promise<void> {
    const entry = peer.producers.get(producerId);
    if (!entry) throw new BaselineError(ErrorCode.PRODUCER_NOT_FOUND, 'Not one of your producers');
    if (entry.producer.paused === paused) return;
    if (paused) await entry.producer.pause();
    else await entry.producer.resume();
    this.sink.toRoomExcept(room.roomId, peer.socketId, paused ? 'producerPaused' : 'producerResumed', {
      roomId: room.roomId,
      producerId,
    });
  }

  async consume(
    room: MediaRoom,
    peer: Peer,
    req: { transportId: string; producerId: string; rtpCapabilities: object },
  ): Promise<ConsumeData> {
    const t = peer.transports.get(req.transportId);
    if (!t || t.direction !== 'recv') {
      throw new BaselineError(ErrorCode.TRANSPORT_NOT_FOUND, 'Not one of your recv transports');
    }
    let owner: { peer: Peer; source: MediaSource } | undefined;
    for (const p of room.peers.values()) {
      const entry = p.producers.get(req.producerId);
      if (entry) owner = { peer: p, source: entry.source };
    }
    if (!owner) throw new BaselineError(ErrorCode.PRODUCER_NOT_FOUND, 'No such producer in this room');
    if (owner.peer === peer)
      throw new BaselineError(ErrorCode.CANNOT_CONSUME, 'Cannot consume your own producer');
    for (const c of peer.consumers.values()) {
      if (c.producerId === req.producerId)
        throw new BaselineError(ErrorCode.CONFLICT, 'You already consume this producer');
    }
    const rtpCapabilities = req.rtpCapabilities as types.RtpCapabilities;
    let can: boolean;
    try {
      can = room.router.canConsume({ producerId: req.producerId, rtpCapabilities });
    } catch (err) {
      throw mediasoupInputError(err, 'rtpCapabilities');
    }
    if (!can)
      throw new BaselineError(ErrorCode.CANNOT_CONSUME, 'Your RTP capabilities cannot receive this producer');
    let consumer: types.Consumer;
    try {
      consumer = await t.transport.consume({ producerId: req.producerId, rtpCapabilities, paused: true });
    } catch (err) {
      throw mediasoupInputError(err, 'rtpCapabilities');
    }
    if (!room.peers.has(peer.socketId)) {
      consumer.close();
      throw new BaselineError(ErrorCode.NOT_IN_ROOM, 'Left the room while consuming');
    }
    room.worker.load++;
    peer.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => {
      room.worker.load--;
      peer.consumers.delete(consumer.id);
    });
    consumer.on('producerclose', () => {
      consumer.close();
      this.sink.toSocket(peer.socketId, 'consumerClosed', {
        roomId: room.roomId,
        consumerId: consumer.id,
        producerId: req.producerId,
      });
    });
    return {
      consumerId: consumer.id,
      producerId: consumer.producerId,
      userId: owner.peer.userId,
      kind: consumer.kind,
      source: owner.source,
      rtpParameters: consumer.rtpParameters as ConsumeData['rtpParameters'],
      type: consumer.type,
      producerPaused: consumer.producerPaused,
    };
  }
}

async function webRtcServerOn(
  worker: types.Worker,
  options: MediaOptions,
  index: number,
): Promise<types.WebRtcServer> {
  let lastError: unknown;
  // Worker i tries ports from its own offset first; ports held by other processes are skipped.
  const span = options.rtcMaxPort - options.rtcMinPort + 1;
  for (let k = 0; k < span; k++) {
    const port = options.rtcMinPort + ((index + k) % span);
    try {
      return await worker.createWebRtcServer({
        listenInfos: (['udp', 'tcp'] as const).map((protocol) => ({ protocol, ip: options.listenIp, port })),
      });
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`no free RTC port in ${options.rtcMinPort}-${options.rtcMaxPort}: ${String(lastError)}`);
}
