import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { RoomEvents } from '../rooms/room-events.js';
import { OBJECT_STORAGE, type ObjectStorage } from '../storage/object-storage.js';
import { Attachment, attachmentKey, roomAttachmentsPrefix } from './attachment.entity.js';

/** An upload never sent with a message is deleted this long after it was made. */
const UNSENT_TTL_MS = 24 * 3_600_000;
/** How often each node looks for them (several nodes doing it at once is harmless). */
const UNSENT_SWEEP_MS = 3_600_000;
/** Uploads deleted per sweep at most (the next sweep takes the rest). */
const UNSENT_SWEEP_BATCH = 500;

/**
 * A deleted room takes its attachments along: rows and stored bytes. Rooms are soft-deleted
 * (no cascade fires), so this listens to RoomEvents on the node that deleted the room. Uploads
 * never sent go after a day (they would hold their uploader's quota forever).
 */
@Injectable()
export class AttachmentsCleanup implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private unsubscribe: (() => void) | undefined;
  private readonly running = new Set<Promise<void>>();
  private sweepTimer: NodeJS.Timeout | undefined;

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
    this.sweepTimer = setInterval(() => {
      const run = this.deleteUnsent(new Date(Date.now() - UNSENT_TTL_MS))
        .catch((err: unknown) => this.log.warn({ err }, 'deleting old unsent uploads failed'))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }, UNSENT_SWEEP_MS);
    this.sweepTimer.unref();
  }

  /** Uploads made before `before` and never sent: bytes first (a row left over is retried). */
  async deleteUnsent(before: Date): Promise<void> {
    const stale = await this.attachments.find({
      where: { messageId: IsNull(), createdAt: LessThan(before) },
      take: UNSENT_SWEEP_BATCH,
    });
    for (const a of stale) {
      await this.storage.delete(attachmentKey(a.roomId, a.id));
      await this.storage.delete(attachmentKey(a.roomId, a.id, 'thumbnail'));
      await this.attachments.delete({ id: a.id, messageId: IsNull() });
    }
  }

  /** Rows first (downloads stop at once), then the bytes. */
  async deleteRoom(roomId: number): Promise<void> {
    await this.attachments.delete({ roomId });
    await this.storage.deleteByPrefix(roomAttachmentsPrefix(roomId));
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    clearInterval(this.sweepTimer);
    await Promise.all(this.running);
  }
}
