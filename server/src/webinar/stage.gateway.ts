import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { ClientEvent, SetStageRequest, type Ack, type SetStageData } from '@minimeet/shared';
import { parsePayload } from '../common/validation.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { ackContext } from '../realtime/ack.js';
import { AckResponder } from '../realtime/ack-responder.js';
import { SocketPrivileges } from '../realtime/socket-privileges.js';
import type { AppSocket } from '../realtime/socket-types.js';
import { StageService } from './stage.service.js';

/** setStage: validate, re-read the caller's role (hosts are moderators), delegate. */
@WebSocketGateway()
export class StageGateway {
  private readonly log: Logger;

  constructor(
    @Inject(StageService) private readonly stage: StageService,
    @Inject(AckResponder) private readonly acks: AckResponder,
    @Inject(SocketPrivileges) private readonly privileges: SocketPrivileges,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'webinar-gateway' });
  }

  @SubscribeMessage(ClientEvent.setStage)
  setStage(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<SetStageData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.setStage, raw), async () => {
      const req = await parsePayload(SetStageRequest, raw);
      const participant = await this.stage.setStage(await this.privileges.current(socket), req);
      return { roomId: req.roomId, participant };
    });
  }
}
