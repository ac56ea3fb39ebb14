import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../auth/current-user.js';
import { ApiKeyAppsService } from './api-key-apps.service.js';

/** /api/v1: `Authorization: Basic base64(keyid:secret)`; the request acts as the key's app user. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(ApiKeyAppsService) private readonly apps: ApiKeyAppsService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    req.user = await this.apps.authenticateBasic(typeof header === 'string' ? header : undefined);
    return true;
  }
}
