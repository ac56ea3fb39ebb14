import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type ParticipantRole,
  AdminRoomHost,
  ConsumeData,
  ConsumeRequest,
  ConsumerStats,
  MediaStatsData,
  ProduceRequest,
  ProducerStats,
  RestartIceData,
  IceParameters,
  TransportDirection,
  WebRtcTransportInfo,
} from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import type { types } from 'mediasoup';
import { ClusterMediaService } from '../cluster/cluster-media.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { iceServersFor } from '../media/ice-servers.js';
import type { Source } from '../media/peer-media.js';
import type { RoomMedia } from '../media/room-media.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import type { AppSocket } from '../realtime/socket-types.js';
import { PeerDirectory } from './peer-directory.js';
import { RoomMediaRegistry } from './room-media-registry.js';
import { asMediasoup, asWire, sumStats, withSha256Fingerprint } from './wire-conversion.js';

/**
 * The media requests the gateway hands over: each finds the caller's own peer (PeerDirectory
 * checks every id is the caller's, in a room it joined) and runs the operation on its room.
 */
@Injectable()
export class MediaSignalingService {
  constructor(
    @Inject(RoomMediaRegistry) private readonly rooms: RoomMediaRegistry,
    @Inject(PeerDirectory) private readonly peers: PeerDirectory,
    @Inject(ClusterMediaService) private readonly cluster: ClusterMediaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
  ) {}

  /**
   * Webinar attendees only receive: NOT_ON_STAGE until a host brings them on stage. Read from the
   * shared presence, so a setStage on any node counts at once.
   */
  private async assertOnStage(roomId: number, userId: number): Promise<void> {
    const role: ParticipantRole | null = await this.presence.roleOf(roomId, userId);
    if (role === 'attendee')
      throw new AppError(ErrorCode.NOT_ON_STAGE, 'Attendees cannot publish until a host brings them on stage');
  }

  /** The rooms that currently hold media, for read-only observers (admin stats). */
  activeRooms(): readonly RoomMedia[] {
    return this.rooms.active();
  }

  /** This node (with its router's worker) and the nodes the room is piped to. */
  roomHosts(room: RoomMedia): AdminRoomHost[] {
    return [
      { nodeId: this.cluster.nodeId, workerPids: [...new Set(room.routers().map((r) => r.workerPid))] },
      ...this.cluster.pipedNodes(room.roomId).map((nodeId) => ({ nodeId })),
    ];
  }

  async createTransport(
    socket: AppSocket,
    roomId: number,
    direction: TransportDirection,
  ): Promise<WebRtcTransportInfo> {
    const { room, peer } = this.peers.peerIn(socket, roomId);
    if (direction === 'send') await this.assertOnStage(roomId, peer.userId);
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
    const { room, peer } = this.peers.byTransport(socket, transportId);
    await room.whileUsable(() =>
      peer.connectTransport(transportId, asMediasoup<types.DtlsParameters>(dtlsParameters)),
    );
  }

  async restartIce(socket: AppSocket, transportId: string): Promise<RestartIceData> {
    const { room, peer } = this.peers.byTransport(socket, transportId);
    return {
      iceParameters: asWire<IceParameters>(await room.whileUsable(() => peer.restartIce(transportId))),
      iceServers: iceServersFor(this.config.media.turn, peer.userId),
    };
  }

  async produce(socket: AppSocket, req: ProduceRequest): Promise<string> {
    const { room, peer } = this.peers.byTransport(socket, req.transportId);
    await this.assertOnStage(room.roomId, peer.userId);
    // Join muted (issue 19): a socket that joined a join-muted room and produces its microphone
    // first starts it paused whatever the client asked; its owner may resume it (resumeProducer)
    // like after a mute. The mark goes with the socket's first producer of any source, so a mic
    // turned on later (none at join) is the user's own unmute, as the client shows it.
    const joinedMuted = (socket.data.joinMutedRooms?.delete(room.roomId) ?? false) && req.source === 'mic';
    const producer = await room.produce(peer, req.transportId, {
      kind: req.kind,
      rtpParameters: asMediasoup<types.RtpParameters>(req.rtpParameters),
      source: req.source,
      paused: (req.paused ?? false) || joinedMuted,
    });
    // Sent back to the audience while this produce was under way: its closing missed this one.
    if ((await this.presence.roleOf(room.roomId, peer.userId)) === 'attendee') {
      producer.close();
      throw new AppError(ErrorCode.NOT_ON_STAGE, 'Sent back to the audience; attendees cannot publish');
    }
    return producer.id;
  }

  async setProducerPaused(socket: AppSocket, producerId: string, paused: boolean): Promise<void> {
    const { room, peer } = this.peers.byProducer(socket, producerId);
    await room.setProducerPaused(peer, producerId, paused);
  }

  /**
   * Moderation: pauses a user's producer(s) of `source` held by this process (a user's media
   * lives on the process its socket is connected to). Returns the paused producer ids.
   */
  async pauseUserSource(roomId: number, userId: number, source: Source): Promise<string[]> {
    const room = this.rooms.get(roomId);
    if (!room) return [];
    await room.ready();
    return room.pauseUserSource(userId, source);
  }

  /** This process's producers of a user sent back to the audience (see StageService). */
  closeUserProducers(roomId: number, userId: number): string[] {
    return this.rooms.get(roomId)?.closeUserProducers(userId) ?? [];
  }

  closeProducer(socket: AppSocket, producerId: string): void {
    const { peer } = this.peers.byProducer(socket, producerId);
    peer.closeProducer(producerId);
  }

  async consume(socket: AppSocket, req: ConsumeRequest): Promise<ConsumeData> {
    const { room, peer } = this.peers.byTransport(socket, req.transportId);
    // A producer of another node is piped into this node's room first.
    await this.cluster.bringProducer(room, req.producerId);
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
    const { room, peer } = this.peers.byConsumer(socket, consumerId);
    await room.whileUsable(() => peer.setConsumerPaused(consumerId, paused));
  }

  async setConsumerLayers(
    socket: AppSocket,
    consumerId: string,
    layers: { spatialLayer: number; temporalLayer?: number },
  ): Promise<void> {
    const { room, peer } = this.peers.byConsumer(socket, consumerId);
    await room.whileUsable(() => peer.setConsumerLayers(consumerId, layers));
    const consumer = peer.consumers.get(consumerId);
    if (consumer) room.consumerLayersSet(consumer);
  }

  /** The caller stops receiving a producer (its tile left the page): the consumer is closed. */
  closeConsumer(socket: AppSocket, consumerId: string): void {
    const { peer } = this.peers.byConsumer(socket, consumerId);
    peer.closeConsumer(consumerId);
  }

  async stats(socket: AppSocket, roomId: number): Promise<MediaStatsData> {
    const { room, peer } = this.peers.peerIn(socket, roomId);
    const producers: ProducerStats[] = await Promise.all(
      [...peer.producers.values()].map(async ({ producer, source }) => {
        const stats = await producer.getStats().catch(() => []);
        return {
          producerId: producer.id,
          kind: producer.kind,
          source,
          paused: producer.paused,
          ...sumStats(stats),
          layers: stats.map((s) => ({
            rid: s.rid ?? null,
            ssrc: s.ssrc,
            packetCount: s.packetCount,
            bitrate: s.bitrate,
          })),
        };
      }),
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
