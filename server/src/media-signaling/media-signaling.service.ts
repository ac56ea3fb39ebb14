import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  type ConsumeData,
  type ConsumeRequest,
  type ConsumerStats,
  type MediaJoinData,
  type MediaStatsData,
  type ProduceRequest,
  type ProducerStats,
  type RemoteProducer,
  type RtpCapabilities,
  type ServerEventName,
  type ServerEvents,
  type WebRtcTransportInfo,
  type IceParameters,
  type RestartIceData,
  type TransportDirection,
} from '@minimeet/shared';
import type { types } from 'mediasoup';
import { randomUUID } from 'node:crypto';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { iceServersFor } from '../media/ice-servers.js';
import { PeerMedia, type Source } from '../media/peer-media.js';
import { RoomMedia, type ProducerInfo } from '../media/room-media.js';
import { WorkerPool } from '../media/worker-pool.js';
import { RealtimeServer } from '../realtime/realtime-server.js';
import type { JoinContext } from '../realtime/room-lifecycle.js';
import { RoomSessionService } from '../realtime/room-session.service.js';
import { roomChannel, type AppSocket } from '../realtime/socket-types.js';

/**
 * Maps connections (socket ids) and users to peer media, checks that every id in a request is
 * the caller's and in the caller's joined room, and relays room media events to sockets.
 *
 * Keying: a peer belongs to (room, user) and is attached to one socket at a time. When that
 * socket disconnects the peer is detached but kept for the presence grace period; the user's
 * next join of the room re-attaches it (joinRoom answers `resumedMedia`), the client restarts
 * ICE and keeps its producers. A detached peer that is not re-attached in time is closed.
 *
 * The wire types (shared) and mediasoup's are structurally the same JSON; they are converted at
 * this boundary with `asMediasoup` / `asWire`, and mediasoup validates the contents.
 */
@Injectable()
export class MediaSignalingService implements OnModuleInit, OnModuleDestroy {
  private readonly rooms = new Map<number, RoomMedia>();
  private readonly creating = new Map<number, Promise<RoomMedia>>();
  /** socket id → room id → its peer. */
  private readonly bySocket = new Map<string, Map<number, PeerMedia>>();
  /** Sockets joined to a room without media (their user's MAX_SOCKETS_PER_USER_ROOM was reached): socket id → room ids. */
  private readonly refusedMedia = new Map<string, Set<number>>();
  /** Detached peers waiting for their user to come back: peer → timer. */
  private readonly detached = new Map<PeerMedia, { roomId: number; timer: NodeJS.Timeout }>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly log: Logger;

  constructor(
    @Inject(WorkerPool) private readonly pool: WorkerPool,
    @Inject(RoomSessionService) private readonly sessions: RoomSessionService,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'media-signaling' });
  }

  onModuleInit() {
    this.unsubscribe.push(
      this.sessions.registerJoinContributor((ctx) => this.onJoin(ctx)),
      this.sessions.on('socketLeft', ({ roomId, socketId, reason }) =>
        this.onSocketLeft(roomId, socketId, reason === 'disconnect'),
      ),
      this.sessions.on('userLeft', ({ roomId, userId }) => this.onUserLeft(roomId, userId)),
      this.sessions.on('roomClosed', ({ roomId }) => this.closeRoom(roomId)),
    );
  }

  onModuleDestroy() {
    for (const u of this.unsubscribe) u();
    for (const { timer } of this.detached.values()) clearTimeout(timer);
    this.detached.clear();
    for (const room of [...this.rooms.values()]) room.close();
    this.rooms.clear();
    this.bySocket.clear();
    this.refusedMedia.clear();
  }

  /** The rooms that currently hold media, for read-only observers (admin stats). */
  activeRooms(): readonly RoomMedia[] {
    return [...this.rooms.values()].filter((room) => !room.closed);
  }

  // ---- room lifecycle ----

  private async onJoin(ctx: JoinContext): Promise<MediaJoinData> {
    const roomId = ctx.room.id;
    const room = await this.roomMedia(roomId);
    await room.ready();
    const socketId = ctx.socket.id;
    let peer = this.bySocket.get(socketId)?.get(roomId);
    let resumed: PeerMedia | undefined;
    if (!peer) {
      resumed = this.takeDetached(roomId, ctx.user.id);
      if (resumed) {
        resumed.attachedTo = socketId;
        peer = resumed;
      } else if (this.attachedPeersOf(room, ctx.user.id) >= this.config.media.maxSocketsPerUserRoom) {
        // Counted and created with no await in between: concurrent joins cannot all pass.
        this.refuseMedia(socketId, roomId);
        this.log.info(
          { roomId, userId: ctx.user.id, socketId },
          'media refused: too many sockets of this user',
        );
        return {
          routerRtpCapabilities: asWire<RtpCapabilities>(room.rtpCapabilities),
          producers: room.producers().map(remoteProducer),
        };
      } else {
        peer = new PeerMedia(randomUUID(), ctx.user.id, socketId);
        room.addPeer(peer);
      }
      this.index(socketId, roomId, peer);
    }
    const data: MediaJoinData = {
      routerRtpCapabilities: asWire<RtpCapabilities>(room.rtpCapabilities),
      producers: room.producers(peer.id).map(remoteProducer),
    };
    if (resumed) {
      data.resumedMedia = {
        transportIds: [...resumed.transports.keys()],
        producerIds: [...resumed.producers.keys()],
        consumerIds: [...resumed.consumers.keys()],
      };
      this.log.info({ roomId, userId: ctx.user.id, socketId, peerId: peer.id }, 'peer media re-attached');
    }
    return data;
  }

  private index(socketId: string, roomId: number, peer: PeerMedia): void {
    let m = this.bySocket.get(socketId);
    if (!m) this.bySocket.set(socketId, (m = new Map()));
    m.set(roomId, peer);
    peer.once('closed', () => {
      const cur = this.bySocket.get(socketId);
      if (cur?.get(roomId) === peer) {
        cur.delete(roomId);
        if (!cur.size) this.bySocket.delete(socketId);
      }
    });
  }

  private attachedPeersOf(room: RoomMedia, userId: number): number {
    let n = 0;
    for (const peer of room.peers.values()) if (peer.userId === userId && peer.attachedTo) n += 1;
    return n;
  }

  private refuseMedia(socketId: string, roomId: number): void {
    let rooms = this.refusedMedia.get(socketId);
    if (!rooms) this.refusedMedia.set(socketId, (rooms = new Set()));
    rooms.add(roomId);
  }

  private takeDetached(roomId: number, userId: number): PeerMedia | undefined {
    for (const [peer, d] of this.detached) {
      if (d.roomId === roomId && peer.userId === userId && !peer.closed) {
        clearTimeout(d.timer);
        this.detached.delete(peer);
        return peer;
      }
    }
    return undefined;
  }

  private onSocketLeft(roomId: number, socketId: string, disconnected: boolean): void {
    const refused = this.refusedMedia.get(socketId);
    if (refused?.delete(roomId) && !refused.size) this.refusedMedia.delete(socketId);
    const m = this.bySocket.get(socketId);
    const peer = m?.get(roomId);
    if (!m || !peer) return;
    m.delete(roomId);
    if (!m.size) this.bySocket.delete(socketId);
    const graceMs = this.config.presenceGraceMs;
    if (!disconnected || graceMs === 0) {
      peer.close();
      this.closeRoomIfEmpty(roomId);
      return;
    }
    // Keep its media for the grace period: a reconnecting client re-attaches it on joinRoom.
    peer.attachedTo = null;
    const timer = setTimeout(() => {
      this.detached.delete(peer);
      peer.close();
      this.closeRoomIfEmpty(roomId);
    }, graceMs);
    timer.unref();
    this.detached.set(peer, { roomId, timer });
  }

  private onUserLeft(roomId: number, userId: number): void {
    for (const [peer, d] of [...this.detached]) {
      if (d.roomId !== roomId || peer.userId !== userId) continue;
      clearTimeout(d.timer);
      this.detached.delete(peer);
      peer.close();
    }
    this.closeRoomIfEmpty(roomId);
  }

  private closeRoomIfEmpty(roomId: number): void {
    const room = this.rooms.get(roomId);
    if (room && room.peers.size === 0) room.close();
  }

  private closeRoom(roomId: number): void {
    for (const [peer, d] of [...this.detached]) {
      if (d.roomId !== roomId) continue;
      clearTimeout(d.timer);
      this.detached.delete(peer);
    }
    this.rooms.get(roomId)?.close();
  }

  private async roomMedia(roomId: number): Promise<RoomMedia> {
    const existing = this.rooms.get(roomId);
    if (existing && !existing.closed) return existing;
    let pending = this.creating.get(roomId);
    if (!pending) {
      pending = RoomMedia.create(
        roomId,
        this.pool,
        {
          maxIncomingBitrate: this.config.media.maxIncomingBitrate,
          routerSpillLoad: this.config.media.routerSpillLoad,
        },
        this.log,
      )
        .then((room) => {
          this.rooms.set(roomId, room);
          this.wireRoom(room);
          return room;
        })
        .finally(() => this.creating.delete(roomId));
      this.creating.set(roomId, pending);
    }
    return pending;
  }

  /** Relays a room's media events to its sockets. */
  private wireRoom(room: RoomMedia): void {
    const roomId = room.roomId;
    const toOthers = <E extends ServerEventName>(peerId: string, event: E, payload: ServerEvents[E]) => {
      const peer = room.peers.get(peerId);
      let target = this.realtime.io.to(roomChannel(roomId));
      if (peer?.attachedTo) target = target.except(peer.attachedTo);
      (target.emit as (ev: E, p: ServerEvents[E]) => boolean)(event, payload);
    };
    const toPeer = <E extends ServerEventName>(peer: PeerMedia, event: E, payload: ServerEvents[E]) => {
      if (!peer.attachedTo) return;
      const socket = this.realtime.io.sockets.sockets.get(peer.attachedTo);
      if (socket) (socket.emit as (ev: E, p: ServerEvents[E]) => boolean)(event, payload);
    };
    room.on('newProducer', (p) => toOthers(p.peerId, 'newProducer', { roomId, ...remoteProducer(p) }));
    room.on('producerClosed', ({ producerId, peerId }) =>
      toOthers(peerId, 'producerClosed', { roomId, producerId }),
    );
    room.on('producerPaused', ({ producerId, peerId }) =>
      toOthers(peerId, 'producerPaused', { roomId, producerId }),
    );
    room.on('producerResumed', ({ producerId, peerId }) =>
      toOthers(peerId, 'producerResumed', { roomId, producerId }),
    );
    room.on('consumerClosed', ({ peer, consumerId, producerId }) =>
      toPeer(peer, 'consumerClosed', { roomId, consumerId, producerId }),
    );
    room.on('consumerLayersChanged', ({ peer, consumerId, layers }) =>
      toPeer(peer, 'consumerLayersChanged', {
        roomId,
        consumerId,
        layers: layers
          ? {
              spatialLayer: layers.spatialLayer,
              ...(layers.temporalLayer !== undefined ? { temporalLayer: layers.temporalLayer } : {}),
            }
          : null,
      }),
    );
    room.on('producerScore', ({ peer, producerId, score }) =>
      toPeer(peer, 'producerScore', {
        roomId,
        producerId,
        score: score.map((s) => ({ ssrc: s.ssrc, score: s.score, ...(s.rid ? { rid: s.rid } : {}) })),
      }),
    );
    room.on('consumerScore', ({ peer, consumerId, score }) =>
      toPeer(peer, 'consumerScore', {
        roomId,
        consumerId,
        score: { score: score.score, producerScore: score.producerScore },
      }),
    );
    room.on('activeSpeaker', ({ userId }) =>
      this.realtime.emitToRoom(roomId, 'activeSpeaker', { roomId, userId }),
    );
    // Only the peers that lost their media start over; they get what the room still sends.
    room.on('reset', ({ reason, peers }) => {
      this.log.warn({ roomId, reason, peerIds: peers.map((p) => p.id) }, 'peer media reset');
      for (const peer of peers) {
        toPeer(peer, 'mediaReset', {
          roomId,
          reason,
          routerRtpCapabilities: asWire<RtpCapabilities>(room.rtpCapabilities),
          producers: room.producers(peer.id).map(remoteProducer),
        });
      }
    });
    room.once('closed', () => {
      if (this.rooms.get(roomId) === room) this.rooms.delete(roomId);
    });
  }

  // ---- requests (the gateway has validated shapes; here: ownership) ----

  /** The caller's peer in a room it joined on this connection. */
  private peerIn(socket: AppSocket, roomId: number): { room: RoomMedia; peer: PeerMedia } {
    const peer = this.bySocket.get(socket.id)?.get(roomId);
    const room = this.rooms.get(roomId);
    if (!peer && this.refusedMedia.get(socket.id)?.has(roomId)) {
      throw new AppError(
        ErrorCode.LIMIT_EXCEEDED,
        `You already have ${this.config.media.maxSocketsPerUserRoom} connections with media in room ${roomId}`,
      );
    }
    if (!peer || !room || peer.closed) {
      throw new AppError(ErrorCode.NOT_IN_ROOM, `Join room ${roomId} on this connection first`);
    }
    return { room, peer };
  }

  /** Finds which of the caller's peers owns an id (transport / producer / consumer). */
  private ownerOf(
    socket: AppSocket,
    has: (peer: PeerMedia) => boolean,
    notFound: AppError,
  ): { room: RoomMedia; peer: PeerMedia; roomId: number } {
    const peers = this.bySocket.get(socket.id);
    if (peers) {
      for (const [roomId, peer] of peers) {
        const room = this.rooms.get(roomId);
        if (room && socket.data.joinedRooms.has(roomId) && has(peer)) return { room, peer, roomId };
      }
    }
    throw notFound;
  }

  private byTransport(socket: AppSocket, transportId: string) {
    return this.ownerOf(
      socket,
      (p) => p.transports.has(transportId),
      new AppError(ErrorCode.TRANSPORT_NOT_FOUND, 'Not one of your transports'),
    );
  }

  private byProducer(socket: AppSocket, producerId: string) {
    return this.ownerOf(
      socket,
      (p) => p.producers.has(producerId),
      new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'Not one of your producers'),
    );
  }

  private byConsumer(socket: AppSocket, consumerId: string) {
    return this.ownerOf(
      socket,
      (p) => p.consumers.has(consumerId),
      new AppError(ErrorCode.CONSUMER_NOT_FOUND, 'Not one of your consumers'),
    );
  }

  async createTransport(
    socket: AppSocket,
    roomId: number,
    direction: TransportDirection,
  ): Promise<WebRtcTransportInfo> {
    const { room, peer } = this.peerIn(socket, roomId);
    const t = await room.createTransport(peer, direction, socket.id);
    return {
      id: t.id,
      direction,
      iceParameters: asWire(t.iceParameters),
      iceCandidates: asWire(t.iceCandidates),
      dtlsParameters: asWire(withSha256Fingerprint(t.dtlsParameters)),
      ...(t.sctpParameters ? { sctpParameters: asWire(t.sctpParameters) } : {}),
      iceServers: iceServersFor(this.config.media.turn, peer.userId),
      iceTransportPolicy: this.config.media.turn.iceTransportPolicy,
    };
  }

  async connectTransport(socket: AppSocket, transportId: string, dtlsParameters: unknown): Promise<void> {
    const { room, peer } = this.byTransport(socket, transportId);
    await room.connectTransport(peer, transportId, asMediasoup<types.DtlsParameters>(dtlsParameters));
  }

  async restartIce(socket: AppSocket, transportId: string): Promise<RestartIceData> {
    const { room, peer } = this.byTransport(socket, transportId);
    return {
      iceParameters: asWire<IceParameters>(await room.restartIce(peer, transportId)),
      iceServers: iceServersFor(this.config.media.turn, peer.userId),
    };
  }

  async produce(socket: AppSocket, req: ProduceRequest): Promise<string> {
    const { room, peer } = this.byTransport(socket, req.transportId);
    const producer = await room.produce(peer, req.transportId, {
      kind: req.kind,
      rtpParameters: asMediasoup<types.RtpParameters>(req.rtpParameters),
      source: req.source,
      paused: req.paused ?? false,
    });
    return producer.id;
  }

  async setProducerPaused(socket: AppSocket, producerId: string, paused: boolean): Promise<void> {
    const { room, peer } = this.byProducer(socket, producerId);
    await room.setProducerPaused(peer, producerId, paused);
  }

  /**
   * Moderation: pauses a user's producer(s) of `source` held by this process (a user's media
   * lives on the process its socket is connected to). Returns the paused producer ids.
   */
  async pauseUserSource(roomId: number, userId: number, source: Source): Promise<string[]> {
    const room = this.rooms.get(roomId);
    if (!room || room.closed) return [];
    await room.ready();
    return room.pauseUserSource(userId, source);
  }

  closeProducer(socket: AppSocket, producerId: string): void {
    const { room, peer } = this.byProducer(socket, producerId);
    room.closeProducer(peer, producerId);
  }

  async consume(socket: AppSocket, req: ConsumeRequest): Promise<ConsumeData> {
    const { room, peer } = this.byTransport(socket, req.transportId);
    const { consumer, producer } = await room.consume(
      peer,
      req.transportId,
      req.producerId,
      asMediasoup<types.RtpCapabilities>(req.rtpCapabilities),
    );
    return {
      consumerId: consumer.id,
      producerId: consumer.producerId,
      userId: producer.userId,
      kind: consumer.kind,
      source: producer.source,
      rtpParameters: asWire(consumer.rtpParameters),
      type: consumer.type,
      producerPaused: consumer.producerPaused,
    };
  }

  async setConsumerPaused(socket: AppSocket, consumerId: string, paused: boolean): Promise<void> {
    const { room, peer } = this.byConsumer(socket, consumerId);
    await room.setConsumerPaused(peer, consumerId, paused);
  }

  async setConsumerLayers(
    socket: AppSocket,
    consumerId: string,
    layers: { spatialLayer: number; temporalLayer?: number },
  ): Promise<void> {
    const { room, peer } = this.byConsumer(socket, consumerId);
    await room.setConsumerLayers(peer, consumerId, layers);
  }

  async stats(socket: AppSocket, roomId: number): Promise<MediaStatsData> {
    const { room, peer } = this.peerIn(socket, roomId);
    const producers: ProducerStats[] = await Promise.all(
      [...peer.producers.values()].map(async ({ producer, source }) => ({
        producerId: producer.id,
        kind: producer.kind,
        source,
        paused: producer.paused,
        ...sumStats(await producer.getStats().catch(() => [])),
      })),
    );
    const consumers: ConsumerStats[] = await Promise.all(
      [...peer.consumers.values()].map(async (c) => ({
        consumerId: c.id,
        producerId: c.producerId,
        kind: c.kind,
        paused: c.paused,
        producerPaused: c.producerPaused,
        ...sumStats((await c.getStats().catch(() => [])).filter((s) => s.type === 'outbound-rtp')),
      })),
    );
    return { roomId, producers, consumers, room: await room.counts() };
  }
}

function sumStats(stats: Array<{ packetCount: number; byteCount: number }>) {
  let packetCount = 0;
  let byteCount = 0;
  for (const s of stats) {
    packetCount += s.packetCount;
    byteCount += s.byteCount;
  }
  return { packetCount, byteCount };
}

/**
 * The worker lists a fingerprint per hash algorithm in hash-map order, and mediasoup-client puts
 * only the last one into the SDP: with Debian's abseil that is sha-1. Clients get sha-256 alone
 * (what browsers generate and RFC 8122 recommends) when the worker offers it.
 */
function withSha256Fingerprint(dtls: types.DtlsParameters): types.DtlsParameters {
  const sha256 = dtls.fingerprints.filter((f) => f.algorithm === 'sha-256');
  return sha256.length ? { ...dtls, fingerprints: sha256 } : dtls;
}

function remoteProducer(p: ProducerInfo): RemoteProducer {
  return { producerId: p.producerId, userId: p.userId, kind: p.kind, source: p.source, paused: p.paused };
}

/**
 * The one place wire JSON and mediasoup's types meet. Both describe the same JSON; their
 * TypeScript unions differ in details (e.g. header-extension URIs), and mediasoup validates
 * the contents of what it is given (its TypeErrors become VALIDATION refusals).
 */
function asMediasoup<T>(wire: unknown): T {
  return wire as T;
}

function asWire<T>(value: unknown): T {
  return value as T;
}
