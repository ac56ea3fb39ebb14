import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { RoomDto } from '@minimeet/shared';

export interface RoomDeletedEvent {
  roomId: number;
  byUserId: number;
}

export interface RoomUpdatedEvent {
  room: RoomDto;
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

  /** Visibility or lock changed (the socket layer tells everyone in the room). */
  onRoomUpdated(listener: (event: RoomUpdatedEvent) => void): () => void {
    this.emitter.on('roomUpdated', listener);
    return () => this.emitter.off('roomUpdated', listener);
  }

  emitRoomUpdated(event: RoomUpdatedEvent): void {
    this.emitter.emit('roomUpdated', event);
  }

  onModuleDestroy() {
    this.emitter.removeAllListeners();
  }
}
