import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { bearerToken } from '../common/bearer-secrets.js';
import { AuthService } from './auth.service.js';
import type { AuthenticatedRequest } from './current-user.js';

/** Requires `Authorization: Bearer <token>`; 401 otherwise. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    req.user = await this.auth.authenticate(bearerToken(req.headers.authorization));
    return true;
  }
}
