import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  ClientEvent,
  EndCallRequest,
  MuteAllRequest,
  MuteParticipantRequest,
  RemoveParticipantRequest,
  type Ack,
  type EndCallData,
  type MuteAllData,
  type MuteParticipantData,
  type ParticipantActionData,
} from '@minimeet/shared';
import { parsePayload } from '../common/validation.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { ackContext } from '../realtime/ack.js';
import { AckResponder } from '../realtime/ack-responder.js';
import { SocketPrivileges } from '../realtime/socket-privileges.js';
import type { AppSocket } from '../realtime/socket-types.js';
import { ModerationService } from './moderation.service.js';

/**
 * muteParticipant / muteAll / removeParticipant / endCall: validate, delegate, answer with an Ack. The
 * moderator's role is re-read for each (a demoted admin's open socket has no powers left).
 */
@WebSocketGateway()
export class ModerationGateway {
  private readonly log: Logger;

  constructor(
    @Inject(ModerationService) private readonly moderation: ModerationService,
    @Inject(AckResponder) private readonly acks: AckResponder,
    @Inject(SocketPrivileges) private readonly privileges: SocketPrivileges,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'moderation-gateway' });
  }

  @SubscribeMessage(ClientEvent.muteParticipant)
  muteParticipant(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() raw: unknown,
  ): Promise<Ack<MuteParticipantData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.muteParticipant, raw), async () => {
      const req = await parsePayload(MuteParticipantRequest, raw);
      await this.moderation.mute(await this.privileges.current(socket), req);
      return { roomId: req.roomId, userId: req.userId, source: req.source };
    });
  }

  @SubscribeMessage(ClientEvent.muteAll)
  muteAll(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<MuteAllData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.muteAll, raw), async () => {
      const req = await parsePayload(MuteAllRequest, raw);
      await this.moderation.muteAll(await this.privileges.current(socket), req);
      return { roomId: req.roomId };
    });
  }

  @SubscribeMessage(ClientEvent.removeParticipant)
  removeParticipant(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() raw: unknown,
  ): Promise<Ack<ParticipantActionData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.removeParticipant, raw), async () => {
      const req = await parsePayload(RemoveParticipantRequest, raw);
      await this.moderation.remove(await this.privileges.current(socket), req);
      return { roomId: req.roomId, userId: req.userId };
    });
  }

  @SubscribeMessage(ClientEvent.endCall)
  endCall(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<EndCallData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.endCall, raw), async () => {
      const req = await parsePayload(EndCallRequest, raw);
      await this.moderation.endCall(await this.privileges.current(socket), req);
      return { roomId: req.roomId };
    });
  }
}
