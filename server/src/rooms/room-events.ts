import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EventEmitter } from 'node:events';

export interface RoomDeletedEvent {
  roomId: number;
  byUserId: number;
}

/**
 * In-process notifications from the rooms domain to transports that must react (the socket
 * layer tells everyone in a deleted room). Keeps RoomsService free of any socket dependency.
 */
@Injectable()
export class RoomEvents implements OnModuleDestroy {
  private readonly emitter = new EventEmitter();

  onRoomDeleted(listener: (event: RoomDeletedEvent) => void): () => void {
    this.emitter.on('roomDeleted', listener);
    return () => this.emitter.off('roomDeleted', listener);
  }

  emitRoomDeleted(event: RoomDeletedEvent): void {
    this.emitter.emit('roomDeleted', event);
  }

  onModuleDestroy() {
    this.emitter.removeAllListeners();
  }
}
