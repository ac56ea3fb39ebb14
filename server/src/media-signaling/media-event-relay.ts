import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { RtpCapabilities, ServerEventName, ServerEvents } from '@minimeet/shared';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import type { PeerMedia } from '../media/peer-media.js';
import type { RoomMedia } from '../media/room-media.js';
import { RealtimeServer } from '../realtime/realtime-server.js';
import { roomChannel } from '../realtime/socket-types.js';
import { RoomMediaRegistry } from './room-media-registry.js';
import { asWire, remoteProducer } from './wire-conversion.js';

/** Relays each room's media events (RoomMedia) to the sockets that can act on them. */
@Injectable()
export class MediaEventRelay implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | undefined;
  private readonly log: Logger;

  constructor(
    @Inject(RoomMediaRegistry) private readonly rooms: RoomMediaRegistry,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'media-signaling' });
  }

  onModuleInit() {
    this.unsubscribe = this.rooms.onRoomCreated((room) => this.wireRoom(room));
  }

  onModuleDestroy() {
    this.unsubscribe?.();
  }

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
    room.on('reset', ({ reason }) => {
      this.log.warn({ roomId, reason, pid: room.workerPid }, 'room media reset');
      this.realtime.emitToRoom(roomId, 'mediaReset', {
        roomId,
        reason,
        routerRtpCapabilities: asWire<RtpCapabilities>(room.rtpCapabilities),
        producers: [],
      });
    });
  }
}
