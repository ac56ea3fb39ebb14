import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ErrorCode } from '@minimeet/shared';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthenticatedRequest } from '../auth/current-user.js';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';

/** With METRICS_TOKEN set, requires `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise); open when unset. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  readonly #expected: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.#expected = config.metricsToken === undefined ? undefined : digest(config.metricsToken);
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.#expected) return true;
    const header = ctx.switchToHttp().getRequest<AuthenticatedRequest>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    // Compare fixed-length digests in constant time: no length or prefix leaks.
    if (!match || !timingSafeEqual(digest(match[1]!), this.#expected)) {
      throw new AppError(
        ErrorCode.UNAUTHORIZED,
        'A valid metrics token is required (Authorization: Bearer <METRICS_TOKEN>)',
      );
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
