import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ErrorCode } from '@minimeet/shared';
import type { AuthenticatedRequest } from '../auth/current-user.js';
import { AppError } from '../common/app-error.js';
import { bearerToken, secretsEqual } from '../common/bearer-secrets.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';

/** With METRICS_TOKEN set, requires `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise); open when unset. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  readonly #expected: string | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.#expected = config.metricsToken;
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.#expected) return true;
    const token = bearerToken(ctx.switchToHttp().getRequest<AuthenticatedRequest>().headers.authorization);
    if (token === undefined || !secretsEqual(token, this.#expected)) {
      throw new AppError(
        ErrorCode.UNAUTHORIZED,
        'A valid metrics token is required (Authorization: Bearer <METRICS_TOKEN>)',
      );
    }
    return true;
  }
}
