import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ParticipantRole, WebhookEvent, WebhookEventType } from '@minimeet/shared';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { Room } from '../rooms/room.entity.js';
import { User } from '../users/user.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookWakeup } from './webhook-wakeup.js';

export interface WebhookEventInput {
  type: WebhookEventType;
  roomId: number;
  participant?: { userId: number; role: ParticipantRole };
  /** recording.ready: passed through as is. */
  recording?: WebhookEvent['recording'];
}

/**
 * Writes events to the outbox, one row per configured URL, where the event happens (in the
 * caller's transaction when it passes its EntityManager). Sending is the dispatcher's job, so a
 * slow or dead receiver never slows a call. Does nothing when no WEBHOOK_URLS are set.
 */
@Injectable()
export class WebhookOutbox {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(WebhookWakeup) private readonly wakeup: WebhookWakeup,
  ) {}

  get enabled(): boolean {
    return this.config.webhooks.urls.length > 0;
  }

  async record(input: WebhookEventInput, manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (!this.enabled) return;
    const event = await this.describe(input, manager);
    const now = new Date();
    const payload = JSON.stringify(event);
    const rows = this.config.webhooks.urls.map((url) =>
      manager.create(WebhookDelivery, {
        eventId: event.id,
        type: event.type,
        roomId: input.roomId,
        url,
        payload,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lockedBy: null,
        lockedUntil: null,
        createdAt: now,
      }),
    );
    await manager.insert(WebhookDelivery, rows);
    this.wakeup.wake();
  }

  private async describe(input: WebhookEventInput, manager: EntityManager): Promise<WebhookEvent> {
    const room = await manager.findOne(Room, { where: { id: input.roomId }, withDeleted: true });
    const event: WebhookEvent = {
      id: randomUUID(),
      type: input.type,
      createdAt: new Date().toISOString(),
      room: { id: input.roomId, name: room?.name ?? '' },
    };
    if (input.recording) event.recording = input.recording;
    if (input.participant) {
      const user = await manager.findOneBy(User, { id: input.participant.userId });
      event.participant = {
        userId: input.participant.userId,
        username: user?.username ?? '',
        role: input.participant.role,
      };
    }
    return event;
  }
}
