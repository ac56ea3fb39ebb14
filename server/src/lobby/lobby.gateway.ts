import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { ClientEvent, LobbyDecisionRequest, LobbyRoomRequest, type Ack, type LobbyDecisionData } from '@minimeet/shared';
import { parsePayload } from '../common/validation.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { ackContext } from '../realtime/ack.js';
import { AckResponder } from '../realtime/ack-responder.js';
import { SocketPrivileges } from '../realtime/socket-privileges.js';
import type { AppSocket } from '../realtime/socket-types.js';
import { LobbyService } from './lobby.service.js';

/**
 * admitParticipant / denyParticipant / admitAll: validate, delegate, answer with the waiting list.
 * The caller's role is re-read for each (a demoted admin's open socket decides nothing).
 */
@WebSocketGateway()
export class LobbyGateway {
  private readonly log: Logger;

  constructor(
    @Inject(LobbyService) private readonly lobby: LobbyService,
    @Inject(AckResponder) private readonly acks: AckResponder,
    @Inject(SocketPrivileges) private readonly privileges: SocketPrivileges,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'lobby-gateway' });
  }

  @SubscribeMessage(ClientEvent.admitParticipant)
  admitParticipant(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<LobbyDecisionData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.admitParticipant, raw), async () =>
      this.lobby.admit(await this.privileges.current(socket), await parsePayload(LobbyDecisionRequest, raw)),
    );
  }

  @SubscribeMessage(ClientEvent.denyParticipant)
  denyParticipant(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<LobbyDecisionData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.denyParticipant, raw), async () =>
      this.lobby.deny(await this.privileges.current(socket), await parsePayload(LobbyDecisionRequest, raw)),
    );
  }

  @SubscribeMessage(ClientEvent.admitAll)
  admitAll(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<LobbyDecisionData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.admitAll, raw), async () =>
      this.lobby.admitAll(await this.privileges.current(socket), await parsePayload(LobbyRoomRequest, raw)),
    );
  }
}
