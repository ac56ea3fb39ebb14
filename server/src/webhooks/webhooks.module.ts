import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { AdminWebhooksController } from './admin-webhooks.controller.js';
import { WebhookAttempt } from './webhook-attempt.entity.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookDispatcher } from './webhook-dispatcher.service.js';
import { WebhookOutbox } from './webhook-outbox.service.js';
import { WebhookWakeup } from './webhook-wakeup.js';

/** Call events POSTed to WEBHOOK_URLS through a DB outbox (see README.md here). */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookDelivery, WebhookAttempt]), AuthModule],
  controllers: [AdminWebhooksController],
  providers: [WebhookWakeup, WebhookOutbox, WebhookDispatcher, WebhookDeliveriesService],
  exports: [WebhookOutbox],
})
export class WebhooksModule {}
