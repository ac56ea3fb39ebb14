import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, LessThan, LessThanOrEqual, Or, type Repository } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { WebhookAttempt } from './webhook-attempt.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { sendWebhook } from './webhook-sender.js';
import { WebhookWakeup } from './webhook-wakeup.js';

/** Longest pause between outbox scans (local writes wake the dispatcher at once). */
const MAX_POLL_MS = 1000;
/** Room/URL queues sent at once per round. */
const BATCH = 20;

/**
 * Sends the outbox, on every node. Each round takes the oldest pending delivery of every
 * (room, URL) queue that is due, claims it with a conditional UPDATE (exactly one node wins a
 * row; a claim lapses after the lease, should its node die mid-send), POSTs it and records the
 * attempt. A queue's next event is only looked at once its head is delivered or failed, which
 * keeps each room's events in order.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log: Logger;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    @InjectRepository(WebhookAttempt) private readonly attempts: Repository<WebhookAttempt>,
    @Inject(WebhookWakeup) private readonly wakeup: WebhookWakeup,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'webhooks' });
    this.leaseMs = config.webhooks.timeoutMs + 30_000;
    this.pollMs = Math.min(MAX_POLL_MS, config.webhooks.retryBaseMs);
  }

  onApplicationBootstrap(): void {
    if (!this.config.webhooks.urls.length) return;
    this.unsubscribe = this.wakeup.onWake(() => this.kick());
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    // A send in flight finishes (bounded by the timeout) so its attempt is recorded.
    await this.running;
  }

  /** Runs a round now, or right after the one running. */
  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.rounds()
      .catch((err: unknown) => this.log.error({ err }, 'webhook dispatch failed'))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else {
          this.timer = setTimeout(() => this.kick(), this.pollMs);
          this.timer.unref();
        }
      });
  }

  private async rounds(): Promise<void> {
    // Keep going while rounds find work: a delivered head makes its queue's next one due.
    while (!this.stopped && (await this.round()) > 0) this.again = false;
  }

  /** One pass over the due queue heads; returns how many this node sent. */
  private async round(): Promise<number> {
    const now = new Date();
    const heads = await this.dueHeads(now);
    const claimed: WebhookDelivery[] = [];
    for (const head of heads) if (await this.claim(head, now)) claimed.push(head);
    await Promise.all(claimed.map((d) => this.deliver(d)));
    return claimed.length;
  }

  private async dueHeads(now: Date): Promise<WebhookDelivery[]> {
    const rows: Array<{ id: number | string }> = await this.deliveries
      .createQueryBuilder('d')
      .select('MIN(d.id)', 'id')
      .where('d.status = :status', { status: 'pending' })
      .groupBy('d.roomId')
      .addGroupBy('d.url')
      .getRawMany();
    if (!rows.length) return [];
    return this.deliveries.find({
      where: {
        id: In(rows.map((r) => Number(r.id))),
        nextAttemptAt: LessThanOrEqual(now),
        lockedUntil: Or(IsNull(), LessThan(now)),
      },
      order: { id: 'ASC' },
      take: BATCH,
    });
  }

  private async claim(d: WebhookDelivery, now: Date): Promise<boolean> {
    const lockedUntil = new Date(now.getTime() + this.leaseMs);
    const result = await this.deliveries.update(
      { id: d.id, status: 'pending', attempts: d.attempts, lockedUntil: Or(IsNull(), LessThan(now)) },
      { lockedBy: this.config.cluster.nodeId, lockedUntil },
    );
    return result.affected === 1;
  }

  private async deliver(d: WebhookDelivery): Promise<void> {
    const { secret, timeoutMs, maxAttempts, retryBaseMs } = this.config.webhooks;
    const outcome = await sendWebhook(d.url, d.payload, { type: d.type, eventId: d.eventId }, secret, timeoutMs);
    const attempt = d.attempts + 1;
    const at = new Date();
    await this.attempts.insert({
      deliveryId: d.id,
      eventId: d.eventId,
      type: d.type,
      roomId: d.roomId,
      url: d.url,
      attempt,
      statusCode: outcome.statusCode,
      error: outcome.error,
      delivered: outcome.delivered,
      at,
    });
    const gaveUp = !outcome.delivered && attempt >= maxAttempts;
    const status = outcome.delivered ? 'delivered' : gaveUp ? 'failed' : 'pending';
    const nextAttemptAt = new Date(at.getTime() + retryBaseMs * 2 ** (attempt - 1));
    await this.deliveries.update(
      { id: d.id },
      { status, attempts: attempt, nextAttemptAt, lockedBy: null, lockedUntil: null },
    );
    const fields = { eventId: d.eventId, type: d.type, roomId: d.roomId, url: d.url, attempt };
    if (outcome.delivered) this.log.debug(fields, 'webhook delivered');
    else if (gaveUp) this.log.warn({ ...fields, error: outcome.error }, 'webhook failed for good');
    else this.log.info({ ...fields, error: outcome.error }, 'webhook attempt failed, will retry');
  }
}
