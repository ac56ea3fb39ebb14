import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  ClientEvent,
  LowerHandRequest,
  RaiseHandRequest,
  SendReactionRequest,
  type Ack,
  type HandQueueData,
  type SendReactionData,
} from '@minimeet/shared';
import { parsePayload } from '../common/validation.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { ackContext, assertJoined } from '../realtime/ack.js';
import { AckResponder } from '../realtime/ack-responder.js';
import { SocketPrivileges } from '../realtime/socket-privileges.js';
import type { AppSocket } from '../realtime/socket-types.js';
import { EngagementService } from './engagement.service.js';

/** raiseHand / lowerHand / sendReaction: validate, check the socket is in the room, delegate. */
@WebSocketGateway()
export class EngagementGateway {
  private readonly log: Logger;

  constructor(
    @Inject(EngagementService) private readonly engagement: EngagementService,
    @Inject(AckResponder) private readonly acks: AckResponder,
    @Inject(SocketPrivileges) private readonly privileges: SocketPrivileges,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'engagement-gateway' });
  }

  @SubscribeMessage(ClientEvent.raiseHand)
  raiseHand(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<HandQueueData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.raiseHand, raw), async () => {
      const req = await parsePayload(RaiseHandRequest, raw);
      assertJoined(socket, req.roomId);
      return this.engagement.raiseHand(socket.data.user, req.roomId);
    });
  }

  @SubscribeMessage(ClientEvent.lowerHand)
  lowerHand(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<HandQueueData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.lowerHand, raw), async () => {
      const req = await parsePayload(LowerHandRequest, raw);
      assertJoined(socket, req.roomId);
      // Lowering someone else's hand is moderation: the role is re-read, never trusted from the handshake.
      return this.engagement.lowerHand(await this.privileges.current(socket), req);
    });
  }

  @SubscribeMessage(ClientEvent.sendReaction)
  sendReaction(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<SendReactionData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.sendReaction, raw), async () => {
      const req = await parsePayload(SendReactionRequest, raw);
      assertJoined(socket, req.roomId);
      await this.engagement.sendReaction(socket.data.user, req);
      return { roomId: req.roomId, emoji: req.emoji };
    });
  }
}
