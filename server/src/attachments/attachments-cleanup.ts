import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { RoomEvents } from '../rooms/room-events.js';
import { OBJECT_STORAGE, type ObjectStorage } from '../storage/object-storage.js';
import { Attachment, roomAttachmentsPrefix } from './attachment.entity.js';

/**
 * A deleted room takes its attachments along: rows and stored bytes. Rooms are soft-deleted
 * (no cascade fires), so this listens to RoomEvents on the node that deleted the room.
 */
@Injectable()
export class AttachmentsCleanup implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private unsubscribe: (() => void) | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(
    @InjectRepository(Attachment) private readonly attachments: Repository<Attachment>,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(RoomEvents) private readonly events: RoomEvents,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'attachments-cleanup' });
  }

  onModuleInit(): void {
    this.unsubscribe = this.events.onRoomDeleted(({ roomId }) => {
      const run = this.deleteRoom(roomId)
        .catch((err: unknown) => this.log.error({ err, roomId }, 'deleting the attachments of a room failed'))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    });
  }

  /** Rows first (downloads stop at once), then the bytes. */
  async deleteRoom(roomId: number): Promise<void> {
    await this.attachments.delete({ roomId });
    await this.storage.deleteByPrefix(roomAttachmentsPrefix(roomId));
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    await Promise.all(this.running);
  }
}
