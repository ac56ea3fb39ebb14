import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ErrorCode, type ApiErrorBody } from '@minimeet/shared';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TokenBucket } from '../common/token-bucket.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';

/** The Express request fields read here (`ip` honours `trust proxy`). */
type RateLimitedRequest = IncomingMessage & { ip?: string; path: string };

/** Health probes stay answerable under a flood; static files and /metrics are outside /api. */
const EXEMPT = /^\/api\/health\/?$/;
const LIMITED = /^\/api(\/|$)/;
/** How often buckets that are full again (idle clients) are forgotten. */
const SWEEP_MS = 60_000;
const WARN_EVERY_MS = 10_000;

/**
 * REST_RATE_LIMIT requests per minute per client IP on /api (a token bucket that refills over
 * the minute). Over it: 429 with the shared error body, `retryAfterMs` and Retry-After.
 * Per process: behind a load balancer each process applies the limit on its own.
 */
@Injectable()
export class RestRateLimiter implements OnModuleDestroy {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly log: Logger;
  private warnedAt = -Infinity;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'rest-rate-limit' });
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    this.buckets.clear();
  }

  middleware() {
    const perMinute = this.config.rateLimits.restPerMinute;
    return (req: RateLimitedRequest, res: ServerResponse, next: () => void) => {
      if (!LIMITED.test(req.path) || EXEMPT.test(req.path)) return next();
      const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      let bucket = this.buckets.get(ip);
      if (!bucket) this.buckets.set(ip, (bucket = new TokenBucket(perMinute / 60, perMinute)));
      const retryAfterMs = bucket.take();
      if (retryAfterMs === 0) return next();
      this.warn(ip);
      const body: ApiErrorBody = {
        statusCode: 429,
        error: {
          code: ErrorCode.RATE_LIMITED,
          message: 'Too many requests from this address, try again later',
          details: { retryAfterMs },
        },
      };
      res.statusCode = 429;
      res.setHeader('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(body));
    };
  }

  private warn(ip: string): void {
    const now = Date.now();
    if (now - this.warnedAt < WARN_EVERY_MS) return;
    this.warnedAt = now;
    this.log.warn({ ip }, 'REST requests throttled');
  }

  private sweep(): void {
    const now = Date.now();
    for (const [ip, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(ip);
  }
}
