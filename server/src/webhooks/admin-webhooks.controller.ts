import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  WEBHOOK_DELIVERIES_DEFAULT_LIMIT,
  WebhookDeliveriesQuery,
  type WebhookDeliveriesResponse,
} from '@minimeet/shared';
import { AdminGuard } from '../auth/admin.guard.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/webhooks')
@UseGuards(JwtAuthGuard, AdminGuard)
export class AdminWebhooksController {
  constructor(@Inject(WebhookDeliveriesService) private readonly log: WebhookDeliveriesService) {}

  @Get('deliveries')
  @ApiOperation({
    summary:
      'Webhook delivery log: the last `limit` attempts (default 100, at most 1000), newest first, each with event id, type, URL, attempt number, status code or error',
  })
  @ApiResponse({ status: 403, description: 'Not an admin' })
  async deliveries(@Query() query: WebhookDeliveriesQuery): Promise<WebhookDeliveriesResponse> {
    return { attempts: await this.log.latest(query.limit ?? WEBHOOK_DELIVERIES_DEFAULT_LIMIT) };
  }
}
