import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { RtpCapabilities, ServerEventName, ServerEvents } from '@minimeet/shared';
import { NODE_REGISTRY, type NodeRegistry } from '../cluster/node-registry.js';
import { PRODUCER_DIRECTORY, type ProducerDirectory } from '../cluster/producer-directory.js';
import { KeyedSerialQueue } from '../common/keyed-serial-queue.js';
import { DependencyState } from '../dependencies/dependency-state.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import type { PeerMedia } from '../media/peer-media.js';
import type { RoomMedia } from '../media/room-media.js';
import { RealtimeServer } from '../realtime/realtime-server.js';
import { mediaChannel } from '../realtime/socket-types.js';
import { RoomMediaRegistry } from './room-media-registry.js';
import { consumableProducers } from './consumable-producers.js';
import { ProducerRelisting } from './producer-relisting.js';
import { asWire, remoteProducer } from './wire-conversion.js';

/**
 * Relays each room's media events (RoomMedia) to the sockets that can act on them, and keeps the
 * cluster's producer directory in step with this node's producers.
 *
 * Where events go: producer events (new/closed/paused/resumed) to the room's sockets joined with
 * media (mediaChannel: not those refused media, which could not consume) through the Socket.IO
 * adapter, i.e. every node's sockets, since any node can consume any producer (pipes);
 * each one is written to the directory first, so a join answer never misses a producer that was
 * announced before it. Consumer/score events to the one socket concerned. activeSpeaker comes
 * from each node's own observer (which also sees piped-in audio) to its local sockets, and
 * mediaReset goes only to the peers whose worker died.
 *
 * After a Redis outage the directory may be wrong: a Redis restarted empty has lost every entry,
 * and writes (and the cross-node announcements, which go through Redis too) failed meanwhile.
 * Each node then lists its producers again, drops its entries of producers that are gone and
 * announces again what it may have failed to announce (ProducerRelisting).
 */
@Injectable()
export class MediaEventRelay implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private unsubscribe: (() => void) | undefined;
  /** Directory write, then announcement, in order per producer. */
  private readonly perProducer = new KeyedSerialQueue<string>();
  /** Producers (→ room) whose directory write failed: their announcement may not have crossed nodes either. */
  private readonly unsure = new Map<string, number>();
  private unsubscribeBack: (() => void) | undefined;
  private readonly relisting: ProducerRelisting;
  private readonly log: Logger;

  constructor(
    @Inject(RoomMediaRegistry) private readonly rooms: RoomMediaRegistry,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(PRODUCER_DIRECTORY) private readonly directory: ProducerDirectory,
    @Inject(NODE_REGISTRY) private readonly nodes: NodeRegistry,
    @Inject(DependencyState) private readonly dependencies: DependencyState,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'media-signaling' });
    this.relisting = new ProducerRelisting({
      rooms,
      directory,
      realtime,
      nodes,
      perProducer: this.perProducer,
      log: this.log,
    });
  }

  onModuleInit() {
    this.unsubscribe = this.rooms.onRoomCreated((room) => this.wireRoom(room));
    this.unsubscribeBack = this.dependencies.onBack((dependency) => {
      if (dependency === 'redis') void this.relisting.run(this.unsure);
    });
  }

  onModuleDestroy() {
    this.unsubscribe?.();
    this.unsubscribeBack?.();
    this.relisting.stop();
  }

  /**
   * The rooms closed in onModuleDestroy (and peers that left just before) queued directory
   * writes and producerClosed announcements; they finish here, while Redis and the Socket.IO
   * adapter are still open (both close after this hook), rather than run into closed clients.
   */
  async beforeApplicationShutdown() {
    await this.perProducer.idle();
  }

  private wireRoom(room: RoomMedia): void {
    const roomId = room.roomId;
    const toOthers = <E extends ServerEventName>(peerId: string, event: E, payload: ServerEvents[E]) => {
      const peer = room.peers.get(peerId);
      let target = this.realtime.io.to(mediaChannel(roomId));
      if (peer?.attachedTo) target = target.except(peer.attachedTo);
      (target.emit as (ev: E, p: ServerEvents[E]) => boolean)(event, payload);
    };
    const toPeer = <E extends ServerEventName>(peer: PeerMedia, event: E, payload: ServerEvents[E]) => {
      if (!peer.attachedTo) return;
      const socket = this.realtime.io.sockets.sockets.get(peer.attachedTo);
      if (socket) (socket.emit as (ev: E, p: ServerEvents[E]) => boolean)(event, payload);
    };
    /** This node's producers in the directory: removed when the router goes without close events. */
    const listed = new Set<string>();
    const { id: nodeId, bootId } = this.nodes.self;
    const afterWrite = (producerId: string, write: () => Promise<void>, announce: () => void) => {
      void this.perProducer.run(producerId, async () => {
        try {
          await write();
        } catch (err) {
          this.unsure.set(producerId, roomId);
          this.log.error({ err, roomId, producerId }, 'producer directory write failed');
        }
        announce();
      });
    };
    room.on('newProducer', (p) => {
      listed.add(p.producerId);
      afterWrite(
        p.producerId,
        () => this.directory.add(roomId, { ...remoteProducer(p), nodeId, bootId }),
        () => toOthers(p.peerId, 'newProducer', { roomId, ...remoteProducer(p) }),
      );
    });
    room.on('producerClosed', ({ producerId, peerId }) => {
      listed.delete(producerId);
      afterWrite(
        producerId,
        () => this.directory.remove(roomId, producerId),
        () => toOthers(peerId, 'producerClosed', { roomId, producerId }),
      );
    });
    room.on('producerPaused', ({ producerId, peerId }) =>
      afterWrite(
        producerId,
        () => this.directory.setPaused(roomId, producerId, true),
        () => toOthers(peerId, 'producerPaused', { roomId, producerId }),
      ),
    );
    room.on('producerResumed', ({ producerId, peerId }) =>
      afterWrite(
        producerId,
        () => this.directory.setPaused(roomId, producerId, false),
        () => toOthers(peerId, 'producerResumed', { roomId, producerId }),
      ),
    );
    // A reset or close drops producers without producerClosed: unlist them, and tell the other
    // nodes' sockets (a reset's own sockets rebuild from mediaReset anyway).
    const unlistAll = () => {
      for (const producerId of [...listed]) {
        afterWrite(
          producerId,
          () => this.directory.remove(roomId, producerId),
          () => this.realtime.emitToMedia(roomId, 'producerClosed', { roomId, producerId }),
        );
      }
      listed.clear();
    };
    room.once('closed', unlistAll);
    room.on('consumerClosed', ({ peer, consumerId, producerId, reason }) =>
      toPeer(peer, 'consumerClosed', { roomId, consumerId, producerId, reason }),
    );
    // Each node ranks the microphones its observer hears (piped-in ones included) for its sockets.
    room.on('audible', ({ producerIds, limit }) =>
      this.realtime.emitToLocalRoom(roomId, 'audibleProducers', { roomId, producerIds, limit }),
    );
    room.on('producerLayersWanted', ({ peer, producerId, maxSpatialLayer }) =>
      toPeer(peer, 'producerLayersWanted', { roomId, producerId, maxSpatialLayer }),
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
      this.realtime.emitToLocalRoom(roomId, 'activeSpeaker', { roomId, userId }),
    );
    // Peers homed on a dead worker start over; the room's other peers keep their media. Their
    // lost producers already went out as producerClosed (and left the directory).
    room.on('reset', ({ reason, peers }) => {
      this.log.warn({ roomId, reason, peerIds: peers.map((p) => p.id) }, 'peer media reset');
      void consumableProducers(this.directory, this.nodes, room)
        .then((producers) => {
          for (const peer of peers) {
            toPeer(peer, 'mediaReset', {
              roomId,
              reason,
              routerRtpCapabilities: asWire<RtpCapabilities>(room.rtpCapabilities),
              producers,
            });
          }
        })
        .catch((err: unknown) => this.log.error({ err, roomId }, 'mediaReset not sent'));
    });
  }
}
