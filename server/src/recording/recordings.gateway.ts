import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { ClientEvent, RecordingRoomRequest, type Ack, type RecordingStateEvent } from '@minimeet/shared';
import { parsePayload } from '../common/validation.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { ackContext } from '../realtime/ack.js';
import { AckResponder } from '../realtime/ack-responder.js';
import { SocketPrivileges } from '../realtime/socket-privileges.js';
import type { AppSocket } from '../realtime/socket-types.js';
import { RecordingControl } from './recording-control.js';

/** startRecording / stopRecording: validate, re-read the caller's role, delegate. */
@WebSocketGateway()
export class RecordingsGateway {
  private readonly log: Logger;

  constructor(
    @Inject(RecordingControl) private readonly control: RecordingControl,
    @Inject(AckResponder) private readonly acks: AckResponder,
    @Inject(SocketPrivileges) private readonly privileges: SocketPrivileges,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'recording-gateway' });
  }

  @SubscribeMessage(ClientEvent.startRecording)
  start(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<RecordingStateEvent>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.startRecording, raw), async () => {
      const { roomId } = await parsePayload(RecordingRoomRequest, raw);
      return this.control.start(await this.privileges.current(socket), roomId, socket.data.joinedRooms.has(roomId));
    });
  }

  @SubscribeMessage(ClientEvent.stopRecording)
  stop(@ConnectedSocket() socket: AppSocket, @MessageBody() raw: unknown): Promise<Ack<RecordingStateEvent>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent.stopRecording, raw), async () => {
      const { roomId } = await parsePayload(RecordingRoomRequest, raw);
      return this.control.stop(await this.privileges.current(socket), roomId, socket.data.joinedRooms.has(roomId));
    });
  }
}
