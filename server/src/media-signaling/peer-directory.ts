import { ErrorCode } from '@minimeet/shared';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import type { PeerMedia } from '../media/peer-media.js';
import type { RoomMedia } from '../media/room-media.js';
import type { AppSocket } from '../realtime/socket-types.js';
import { RoomMediaRegistry } from './room-media-registry.js';

/**
 * Which peer belongs to which connection: socket → room → peer, the detached peers kept for the
 * presence grace period, and the sockets joined without media (MAX_SOCKETS_PER_USER_ROOM).
 * Answers "the caller's peer / the caller's owner of this id" for the request service.
 */
@Injectable()
export class PeerDirectory implements OnModuleDestroy {
  /** socket id → room id → its peer. */
  private readonly bySocket = new Map<string, Map<number, PeerMedia>>();
  /** Sockets joined to a room without media: socket id → room ids. */
  private readonly refusedMedia = new Map<string, Set<number>>();
  /** Detached peers waiting for their user to come back: peer → timer. */
  private readonly detached = new Map<PeerMedia, { roomId: number; timer: NodeJS.Timeout }>();

  constructor(
    @Inject(RoomMediaRegistry) private readonly rooms: RoomMediaRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleDestroy() {
    for (const { timer } of this.detached.values()) clearTimeout(timer);
    this.detached.clear();
    this.bySocket.clear();
    this.refusedMedia.clear();
  }

  attached(socketId: string, roomId: number): PeerMedia | undefined {
    return this.bySocket.get(socketId)?.get(roomId);
  }

  index(socketId: string, roomId: number, peer: PeerMedia): void {
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

  /** Removes the socket's entry for the room and returns the peer it held. */
  unindex(socketId: string, roomId: number): PeerMedia | undefined {
    const refused = this.refusedMedia.get(socketId);
    if (refused?.delete(roomId) && !refused.size) this.refusedMedia.delete(socketId);
    const m = this.bySocket.get(socketId);
    const peer = m?.get(roomId);
    if (!m || !peer) return undefined;
    m.delete(roomId);
    if (!m.size) this.bySocket.delete(socketId);
    return peer;
  }

  attachedPeersOf(room: RoomMedia, userId: number): number {
    let n = 0;
    for (const peer of room.peers.values()) if (peer.userId === userId && peer.attachedTo) n += 1;
    return n;
  }

  refuseMedia(socketId: string, roomId: number): void {
    let rooms = this.refusedMedia.get(socketId);
    if (!rooms) this.refusedMedia.set(socketId, (rooms = new Set()));
    rooms.add(roomId);
  }

  /** Keeps a peer whose socket went for `graceMs`; `expire` runs if nobody re-attaches it. */
  detach(peer: PeerMedia, roomId: number, graceMs: number, expire: () => void): void {
    peer.attachedTo = null;
    const timer = setTimeout(() => {
      this.detached.delete(peer);
      expire();
    }, graceMs);
    timer.unref();
    this.detached.set(peer, { roomId, timer });
  }

  takeDetached(roomId: number, userId: number): PeerMedia | undefined {
    for (const [peer, d] of this.detached) {
      if (d.roomId === roomId && peer.userId === userId && !peer.closed) {
        clearTimeout(d.timer);
        this.detached.delete(peer);
        return peer;
      }
    }
    return undefined;
  }

  /** Forgets the detached peers of a room (of one user, if given) and returns them. */
  dropDetached(roomId: number, userId?: number): PeerMedia[] {
    const out: PeerMedia[] = [];
    for (const [peer, d] of [...this.detached]) {
      if (d.roomId !== roomId || (userId !== undefined && peer.userId !== userId)) continue;
      clearTimeout(d.timer);
      this.detached.delete(peer);
      out.push(peer);
    }
    return out;
  }

  // ---- ownership (the gateway has validated shapes; here: whose is it) ----

  /** The caller's peer in a room it joined on this connection. */
  peerIn(socket: AppSocket, roomId: number): { room: RoomMedia; peer: PeerMedia } {
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

  byTransport(socket: AppSocket, transportId: string) {
    return this.ownerOf(
      socket,
      (p) => p.transports.has(transportId),
      new AppError(ErrorCode.TRANSPORT_NOT_FOUND, 'Not one of your transports'),
    );
  }

  byProducer(socket: AppSocket, producerId: string) {
    return this.ownerOf(
      socket,
      (p) => p.producers.has(producerId),
      new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'Not one of your producers'),
    );
  }

  byConsumer(socket: AppSocket, consumerId: string) {
    return this.ownerOf(
      socket,
      (p) => p.consumers.has(consumerId),
      new AppError(ErrorCode.CONSUMER_NOT_FOUND, 'Not one of your consumers'),
    );
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
}
