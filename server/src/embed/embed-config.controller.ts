import { Controller, Get, Inject } from '@nestjs/common';
import type { EmbedConfigDto } from '@minimeet/shared';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';

/**
 * GET /api/embed/config (no auth): the origins the embed page may take commands from and post
 * events to. The same list the server puts in the embed page's CSP frame-ancestors, so a page
 * that renders at all is framed by one of them; the page still checks each message's origin.
 */
@Controller('embed')
export class EmbedConfigController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('config')
  get(): EmbedConfigDto {
    return { allowedOrigins: [...this.config.embedAllowedOrigins] };
  }
}
