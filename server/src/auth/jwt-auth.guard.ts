import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import { bearerToken } from '../common/bearer-secrets.js';
import { AuthService } from './auth.service.js';
import type { AuthenticatedRequest } from './current-user.js';

const ROOM_TOKEN_ALLOWED = 'minimeet:roomTokenAllowed';

/** Marks a route that a room-limited token (an app's user, POST /api/auth/external) may call. */
export const RoomTokenAllowed = () => SetMetadata(ROOM_TOKEN_ALLOWED, true);

/**
 * Requires `Authorization: Bearer <token>`; 401 otherwise. A room-limited token acts in its
 * call over the socket only: REST answers 403 except on routes marked RoomTokenAllowed.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = await this.auth.authenticate(bearerToken(req.headers.authorization));
    if (user.roomScope && !this.reflector.get<boolean>(ROOM_TOKEN_ALLOWED, ctx.getHandler())) {
      throw new AppError(ErrorCode.FORBIDDEN, 'A room token only works in its call');
    }
    req.user = user;
    return true;
  }
}
