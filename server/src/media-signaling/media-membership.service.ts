import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { MediaJoinData, RtpCapabilities } from '@minimeet/shared';
import { randomUUID } from 'node:crypto';
import { NODE_REGISTRY, type NodeRegistry } from '../cluster/node-registry.js';
import { PRODUCER_DIRECTORY, type ProducerDirectory } from '../cluster/producer-directory.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { PeerMedia } from '../media/peer-media.js';
import { DrainState } from '../realtime/drain-state.js';
import type { JoinContext } from '../realtime/room-lifecycle.js';
import { RealtimeServer } from '../realtime/realtime-server.js';
import { RoomSessionService } from '../realtime/room-session.service.js';
import { mediaChannel } from '../realtime/socket-types.js';
import { PeerDirectory } from './peer-directory.js';
import { RoomMediaRegistry } from './room-media-registry.js';
import { consumableProducers } from './consumable-producers.js';
import { asWire } from './wire-conversion.js';

/**
 * Gives joining sockets their peer media and takes it away when they leave.
 *
 * Keying: a peer belongs to (room, user) and is attached to one socket at a time. When that
 * socket disconnects the peer is detached but kept for the presence grace period; the user's
 * next join of the room re-attaches it (joinRoom answers `resumedMedia`), the client restarts
 * ICE and keeps its producers. A detached peer that is not re-attached in time is closed.
 */
@Injectable()
export class MediaMembershipService implements OnModuleInit, OnModuleDestroy {
  private readonly unsubscribe: Array<() => void> = [];
  private readonly log: Logger;

  constructor(
    @Inject(RoomMediaRegistry) private readonly rooms: RoomMediaRegistry,
    @Inject(PeerDirectory) private readonly peers: PeerDirectory,
    @Inject(RoomSessionService) private readonly sessions: RoomSessionService,
    @Inject(PRODUCER_DIRECTORY) private readonly directory: ProducerDirectory,
    @Inject(NODE_REGISTRY) private readonly nodes: NodeRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
    @Inject(DrainState) private readonly drain: DrainState,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
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
      this.sessions.on('roomClosed', ({ roomId }) => this.onRoomClosed(roomId)),
    );
  }

  onModuleDestroy() {
    for (const u of this.unsubscribe) u();
  }

  private async onJoin(ctx: JoinContext): Promise<MediaJoinData> {
    const roomId = ctx.room.id;
    const room = await this.rooms.open(roomId);
    await room.ready();
    const socketId = ctx.socket.id;
    let peer = this.peers.attached(socketId, roomId);
    let resumed: PeerMedia | undefined;
    if (!peer) {
      resumed = this.peers.takeDetached(roomId, ctx.user.id);
      if (resumed) {
        resumed.attachedTo = socketId;
        peer = resumed;
      } else if (this.peers.attachedPeersOf(room, ctx.user.id) >= this.config.media.maxSocketsPerUserRoom) {
        // Counted and created with no await in between: concurrent joins cannot all pass.
        this.peers.refuseMedia(socketId, roomId);
        this.log.info(
          { roomId, userId: ctx.user.id, socketId },
          'media refused: too many sockets of this user',
        );
        return {
          routerRtpCapabilities: asWire<RtpCapabilities>(room.rtpCapabilities),
          producers: await consumableProducers(this.directory, this.nodes, room),
          activeSpeakerUserId: room.activeSpeaker,
        };
      } else {
        peer = new PeerMedia(randomUUID(), ctx.user.id, socketId);
        room.addPeer(peer);
      }
      this.peers.index(socketId, roomId, peer);
    }
    // Producer events from now on; the answer below lists those from before (a producer in
    // both is the client's to dedupe, as with any announcement racing a join answer).
    await ctx.socket.join(mediaChannel(roomId));
    const data: MediaJoinData = {
      routerRtpCapabilities: asWire<RtpCapabilities>(room.rtpCapabilities),
      producers: await consumableProducers(this.directory, this.nodes, room, new Set(peer.producers.keys())),
      audibleProducers: room.audible(),
      activeSpeakerUserId: room.activeSpeaker,
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

  private onSocketLeft(roomId: number, socketId: string, disconnected: boolean): void {
    const peer = this.peers.unindex(socketId, roomId);
    void this.realtime.io.sockets.sockets.get(socketId)?.leave(mediaChannel(roomId));
    if (!peer) return;
    const graceMs = this.config.presenceGraceMs;
    // A draining node takes no rejoin: the client comes back on another node, where its
    // media is made anew, so these producers would only linger as dead streams for the others.
    if (!disconnected || graceMs === 0 || this.drain.draining) {
      peer.close();
      this.rooms.closeIfEmpty(roomId);
      return;
    }
    // Keep its media for the grace period: a reconnecting client re-attaches it on joinRoom.
    this.peers.detach(peer, roomId, graceMs, () => {
      peer.close();
      this.rooms.closeIfEmpty(roomId);
    });
  }

  private onUserLeft(roomId: number, userId: number): void {
    for (const peer of this.peers.dropDetached(roomId, userId)) peer.close();
    this.rooms.closeIfEmpty(roomId);
  }

  private onRoomClosed(roomId: number): void {
    this.peers.dropDetached(roomId);
    this.rooms.close(roomId);
  }
}
