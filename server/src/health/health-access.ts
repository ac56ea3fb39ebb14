import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthService } from '../auth/auth.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';

/**
 * Who may see health details (worker pids, CPU, database state): an admin's access token or
 * the METRICS_TOKEN, as `Authorization: Bearer <token>`. Everyone else gets the status only.
 */
@Injectable()
export class HealthAccess {
  readonly #metricsToken: Buffer | undefined;

  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.#metricsToken = config.metricsToken === undefined ? undefined : digest(config.metricsToken);
  }

  async mayReadDetails(authorization: string | undefined): Promise<boolean> {
    const token = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] : undefined;
    if (!token) return false;
    // Fixed-length digests compared in constant time: no length or prefix leaks.
    if (this.#metricsToken && timingSafeEqual(digest(token), this.#metricsToken)) return true;
    try {
      return (await this.auth.authenticate(token)).role === 'admin';
    } catch {
      return false;
    }
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
