import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  ClientEvent,
  LoadMessageHistoryRequest,
  SendMessageRequest,
  type Ack,
  type MessagePage,
  type SendMessageData,
} from '@minimeet/shared';
import { parsePayload } from '../common/validation.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { ackContext, assertJoined } from '../realtime/ack.js';
import { AckResponder } from '../realtime/ack-responder.js';
import { SocketPrivileges } from '../realtime/socket-privileges.js';
import type { AppSocket } from '../realtime/socket-types.js';
import { ChatDelivery } from './chat-delivery.js';
import { ChatService } from './chat.service.js';

/** sendMessage / loadMessageHistory over Socket.IO. */
@WebSocketGateway()
export class ChatGateway {
  private readonly log: Logger;

  constructor(
    @Inject(ChatService) private readonly chat: ChatService,
    @Inject(ChatDelivery) private readonly delivery: ChatDelivery,
    @Inject(AckResponder) private readonly acks: AckResponder,
    @Inject(SocketPrivileges) private readonly privileges: SocketPrivileges,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'chat-gateway' });
  }

  @SubscribeMessage(ClientEvent.sendMessage)
  sendMessage(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() raw: unknown,
  ): Promise<Ack<SendMessageData>> {
    return this.acks.respond(
      this.log,
      ackContext(socket, ClientEvent.sendMessage, raw),
      async () => {
        const input = await parsePayload(SendMessageRequest, raw);
        assertJoined(socket, input.roomId);
        const { message } = await this.chat.send(socket.data.user, input, (stored) =>
          this.delivery.publish(stored),
        );
        return { message };
      },
      (error) => socket.emit('messageError', { clientMessageId: clientMessageIdOf(raw), error }),
    );
  }

  @SubscribeMessage(ClientEvent.loadMessageHistory)
  loadMessageHistory(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() raw: unknown,
  ): Promise<Ack<MessagePage>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.loadMessageHistory, raw), async () => {
      const { roomId, before, limit } = await parsePayload(LoadMessageHistoryRequest, raw);
      return this.chat.history(await this.privileges.current(socket), roomId, before, limit);
    });
  }
}

/** Echoes the client's id in messageError when it is a plausible one, so the client can match it. */
function clientMessageIdOf(raw: unknown): string | null {
  const id =
    typeof raw === 'object' && raw !== null
      ? (raw as { clientMessageId?: unknown }).clientMessageId
      : undefined;
  return typeof id === 'string' && id.length <= 64 ? id : null;
}
