import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  ClientEvent,
  ConnectWebRtcTransportRequest,
  ConsumeRequest,
  ConsumerIdRequest,
  CloseConsumerRequest,
  CreateWebRtcTransportRequest,
  GetMediaStatsRequest,
  ProduceRequest,
  ProducerIdRequest,
  RestartIceRequest,
  SetConsumerLayersRequest,
  type Ack,
  type ClientEventName,
  type ConsumeData,
  type ConsumerIdData,
  type MediaStatsData,
  type ProduceData,
  type ProducerIdData,
  type RestartIceData,
  type TransportIdData,
  type WebRtcTransportInfo,
} from '@minimeet/shared';
import { parsePayload } from '../common/validation.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { ackContext, assertJoined } from '../realtime/ack.js';
import { AckResponder } from '../realtime/ack-responder.js';
import type { AppSocket } from '../realtime/socket-types.js';
import { MediaSignalingService } from './media-signaling.service.js';

/**
 * SFU signaling over Socket.IO: validates each payload against the shared DTO, delegates to
 * MediaSignalingService (which checks every id belongs to the caller), answers with an Ack.
 */
@WebSocketGateway()
export class MediaSignalingGateway {
  private readonly log: Logger;

  constructor(
    @Inject(MediaSignalingService) private readonly media: MediaSignalingService,
    @Inject(AckResponder) private readonly acks: AckResponder,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'media-gateway' });
  }

  private run<T>(
    socket: AppSocket,
    event: ClientEventName,
    raw: unknown,
    work: () => Promise<T>,
  ): Promise<Ack<T>> {
    return this.acks.respond(this.log, ackContext(socket, event, raw), work);
  }

  @SubscribeMessage(ClientEvent.createWebRtcTransport)
  createWebRtcTransport(
    @ConnectedSocket() s: AppSocket,
    @MessageBody() raw: unknown,
  ): Promise<Ack<WebRtcTransportInfo>> {
    return this.run(s, ClientEvent.createWebRtcTransport, raw, async () => {
      const { roomId, direction } = await parsePayload(CreateWebRtcTransportRequest, raw);
      assertJoined(s, roomId);
      return this.media.createTransport(s, roomId, direction);
    });
  }

  @SubscribeMessage(ClientEvent.connectWebRtcTransport)
  connectWebRtcTransport(
    @ConnectedSocket() s: AppSocket,
    @MessageBody() raw: unknown,
  ): Promise<Ack<TransportIdData>> {
    return this.run(s, ClientEvent.connectWebRtcTransport, raw, async () => {
      const { transportId, dtlsParameters } = await parsePayload(ConnectWebRtcTransportRequest, raw);
      await this.media.connectTransport(s, transportId, dtlsParameters);
      return { transportId };
    });
  }

  @SubscribeMessage(ClientEvent.restartIce)
  restartIce(@ConnectedSocket() s: AppSocket, @MessageBody() raw: unknown): Promise<Ack<RestartIceData>> {
    return this.run(s, ClientEvent.restartIce, raw, async () => {
      const { transportId } = await parsePayload(RestartIceRequest, raw);
      return this.media.restartIce(s, transportId);
    });
  }

  @SubscribeMessage(ClientEvent.produce)
  produce(@ConnectedSocket() s: AppSocket, @MessageBody() raw: unknown): Promise<Ack<ProduceData>> {
    return this.run(s, ClientEvent.produce, raw, async () => {
      const req = await parsePayload(ProduceRequest, raw);
      return { producerId: await this.media.produce(s, req) };
    });
  }

  @SubscribeMessage(ClientEvent.pauseProducer)
  pauseProducer(@ConnectedSocket() s: AppSocket, @MessageBody() raw: unknown): Promise<Ack<ProducerIdData>> {
    return this.run(s, ClientEvent.pauseProducer, raw, async () => {
      const { producerId } = await parsePayload(ProducerIdRequest, raw);
      await this.media.setProducerPaused(s, producerId, true);
      return { producerId };
    });
  }

  @SubscribeMessage(ClientEvent.resumeProducer)
  resumeProducer(@ConnectedSocket() s: AppSocket, @MessageBody() raw: unknown): Promise<Ack<ProducerIdData>> {
    return this.run(s, ClientEvent.resumeProducer, raw, async () => {
      const { producerId } = await parsePayload(ProducerIdRequest, raw);
      await this.media.setProducerPaused(s, producerId, false);
      return { producerId };
    });
  }

  @SubscribeMessage(ClientEvent.closeProducer)
  closeProducer(@ConnectedSocket() s: AppSocket, @MessageBody() raw: unknown): Promise<Ack<ProducerIdData>> {
    return this.run(s, ClientEvent.closeProducer, raw, async () => {
      const { producerId } = await parsePayload(ProducerIdRequest, raw);
      this.media.closeProducer(s, producerId);
      return { producerId };
    });
  }

  @SubscribeMessage(ClientEvent.consume)
  consume(@ConnectedSocket() s: AppSocket, @MessageBody() raw: unknown): Promise<Ack<ConsumeData>> {
    return this.run(s, ClientEvent.consume, raw, async () => {
      const req = await parsePayload(ConsumeRequest, raw);
      return this.media.consume(s, req);
    });
  }

  @SubscribeMessage(ClientEvent.closeConsumer)
  closeConsumer(@ConnectedSocket() s: AppSocket, @MessageBody() raw: unknown): Promise<Ack<ConsumerIdData>> {
    return this.run(s, ClientEvent.closeConsumer, raw, async () => {
      const { consumerId } = await parsePayload(CloseConsumerRequest, raw);
      this.media.closeConsumer(s, consumerId);
      return { consumerId };
    });
  }

  @SubscribeMessage(ClientEvent.pauseConsumer)
  pauseConsumer(@ConnectedSocket() s: AppSocket, @MessageBody() raw: unknown): Promise<Ack<ConsumerIdData>> {
    return this.run(s, ClientEvent.pauseConsumer, raw, async () => {
      const { consumerId } = await parsePayload(ConsumerIdRequest, raw);
      await this.media.setConsumerPaused(s, consumerId, true);
      return { consumerId };
    });
  }

  @SubscribeMessage(ClientEvent.resumeConsumer)
  resumeConsumer(@ConnectedSocket() s: AppSocket, @MessageBody() raw: unknown): Promise<Ack<ConsumerIdData>> {
    return this.run(s, ClientEvent.resumeConsumer, raw, async () => {
      const { consumerId } = await parsePayload(ConsumerIdRequest, raw);
      await this.media.setConsumerPaused(s, consumerId, false);
      return { consumerId };
    });
  }

  @SubscribeMessage(ClientEvent.setConsumerLayers)
  setConsumerLayers(
    @ConnectedSocket() s: AppSocket,
    @MessageBody() raw: unknown,
  ): Promise<Ack<ConsumerIdData>> {
    return this.run(s, ClientEvent.setConsumerLayers, raw, async () => {
      const { consumerId, spatialLayer, temporalLayer } = await parsePayload(SetConsumerLayersRequest, raw);
      await this.media.setConsumerLayers(s, consumerId, {
        spatialLayer,
        ...(temporalLayer !== undefined ? { temporalLayer } : {}),
      });
      return { consumerId };
    });
  }

  @SubscribeMessage(ClientEvent.getMediaStats)
  getMediaStats(@ConnectedSocket() s: AppSocket, @MessageBody() raw: unknown): Promise<Ack<MediaStatsData>> {
    return this.run(s, ClientEvent.getMediaStats, raw, async () => {
      const { roomId } = await parsePayload(GetMediaStatsRequest, raw);
      assertJoined(s, roomId);
      return this.media.stats(s, roomId);
    });
  }
}
