import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  ClientEvent,
  JoinRoomRequest,
  LeaveRoomRequest,
  LoadParticipantsRequest,
  type Ack,
  type JoinRoomData,
  type LeaveRoomData,
  type ParticipantsPage,
} from '@minimeet/shared';
import { parsePayload } from '../common/validation.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { ackContext } from './ack.js';
import { AckResponder } from './ack-responder.js';
import { RoomSessionService } from './room-session.service.js';
import type { AppSocket } from './socket-types.js';

/** joinRoom / leaveRoom / loadParticipants: validate, delegate to RoomSessionService, answer with an Ack. */
@WebSocketGateway()
export class RoomsGateway {
  private readonly log: Logger;

  constructor(
    @Inject(RoomSessionService) private readonly sessions: RoomSessionService,
    @Inject(AckResponder) private readonly acks: AckResponder,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'rooms-gateway' });
  }

  @SubscribeMessage(ClientEvent.joinRoom)
  joinRoom(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<JoinRoomData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.joinRoom, raw), async () => {
      const { roomId, inviteToken } = await parsePayload(JoinRoomRequest, raw);
      return this.sessions.join(socket, roomId, inviteToken);
    });
  }

  @SubscribeMessage(ClientEvent.leaveRoom)
  leaveRoom(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<LeaveRoomData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.leaveRoom, raw), async () => {
      const { roomId } = await parsePayload(LeaveRoomRequest, raw);
      await this.sessions.leave(socket, roomId);
      return { roomId };
    });
  }

  @SubscribeMessage(ClientEvent.loadParticipants)
  loadParticipants(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<ParticipantsPage>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.loadParticipants, raw), async () => {
      const { roomId, cursor } = await parsePayload(LoadParticipantsRequest, raw);
      return this.sessions.loadParticipants(socket, roomId, cursor);
    });
  }
}
