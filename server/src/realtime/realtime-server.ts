import { Injectable } from '@nestjs/common';
import type { ServerEvents, ServerEventName } from '@minimeet/shared';
import { roomChannel, type AppServer } from './socket-types.js';

/**
 * Hands the Socket.IO server (created by Nest for the gateways) to services that must emit
 * outside a socket handler, e.g. after a REST call deletes a room.
 */
@Injectable()
export class RealtimeServer {
  private server: AppServer | undefined;

  attach(server: AppServer): void {
    this.server = server;
  }

  get io(): AppServer {
    if (!this.server) throw new Error('Socket.IO server not initialised yet');
    return this.server;
  }

  get ready(): boolean {
    return this.server !== undefined;
  }

  /** Emits to every socket (on every process) in the room. */
  emitToRoom<E extends ServerEventName>(roomId: number, event: E, payload: ServerEvents[E]): void {
    // The mapped event signature cannot be narrowed through a generic key; the payload type is
    // still checked against ServerEvents[E] above.
    (this.io.to(roomChannel(roomId)).emit as (ev: E, p: ServerEvents[E]) => boolean)(event, payload);
  }
}
