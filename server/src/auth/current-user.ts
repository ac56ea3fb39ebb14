import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { UserDto } from '@minimeet/shared';

/** The request field JwtAuthGuard fills in. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: UserDto;
}

/** Controller parameter: the user JwtAuthGuard authenticated. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): UserDto => {
  const user = ctx.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new Error('CurrentUser used on a route without JwtAuthGuard');
  return user;
});
