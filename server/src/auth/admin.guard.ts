import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ErrorCode } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import type { AuthenticatedRequest } from './current-user.js';

/** After JwtAuthGuard: 403 unless the user is an admin. */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const user = ctx.switchToHttp().getRequest<AuthenticatedRequest>().user;
    if (user?.role !== 'admin') throw new AppError(ErrorCode.FORBIDDEN, 'Admins only');
    return true;
  }
}
