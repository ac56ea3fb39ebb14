import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { WebhookAttemptDto, WebhookEventType } from '@minimeet/shared';
import type { Repository } from 'typeorm';
import { WebhookAttempt } from './webhook-attempt.entity.js';

/** The admin delivery log: the latest attempts, newest first. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(@InjectRepository(WebhookAttempt) private readonly attempts: Repository<WebhookAttempt>) {}

  async latest(limit: number): Promise<WebhookAttemptDto[]> {
    const rows = await this.attempts.find({ order: { id: 'DESC' }, take: limit });
    return rows.map((a) => ({
      eventId: a.eventId,
      type: a.type as WebhookEventType,
      roomId: a.roomId,
      url: a.url,
      attempt: a.attempt,
      statusCode: a.statusCode,
      error: a.error,
      delivered: Boolean(a.delivered),
      at: a.at.toISOString(),
    }));
  }
}
