import { Inject, Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { bearerToken, secretsEqual } from '../common/bearer-secrets.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';

/**
 * Who may see health details (worker pids, CPU, database state): an admin's access token or
 * the METRICS_TOKEN, as `Authorization: Bearer <token>`. Everyone else gets the status only.
 */
@Injectable()
export class HealthAccess {
  readonly #metricsToken: string | undefined;

  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.#metricsToken = config.metricsToken;
  }

  async mayReadDetails(authorization: string | undefined): Promise<boolean> {
    const token = bearerToken(authorization);
    if (!token) return false;
    if (this.#metricsToken && secretsEqual(token, this.#metricsToken)) return true;
    try {
      return (await this.auth.authenticate(token)).role === 'admin';
    } catch {
      return false;
    }
  }
}
