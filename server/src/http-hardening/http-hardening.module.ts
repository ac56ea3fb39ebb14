import { Module } from '@nestjs/common';
import { RestRateLimiter } from './rest-rate-limit.js';

/** HTTP-level protections applied in main.ts: the REST throttle (security headers are a plain middleware). */
@Module({
  providers: [RestRateLimiter],
  exports: [RestRateLimiter],
})
export class HttpHardeningModule {}
