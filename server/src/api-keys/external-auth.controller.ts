import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ExternalAuthRequest, type ExternalAuthResponse } from '@minimeet/shared';
import { ApiKeyAppsService } from './api-key-apps.service.js';

@ApiTags('auth')
// Not throttled like password sign-in: a 256-bit key's signature cannot be guessed, and a class
// behind one NAT joining at once must not be turned away.
@Controller('auth')
export class ExternalAuthController {
  constructor(@Inject(ApiKeyAppsService) private readonly apps: ApiKeyAppsService) {}

  @Post('external')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Exchange a join token an app minted with its API key (HS256, header kid; claims room, sub, name, grants, iat, exp ≤ iat + 24 h) for a session limited to that room',
  })
  @ApiResponse({ status: 200, description: '{ accessToken, accessTokenExpiresAt, user } (user.roomScope: room and grants)' })
  @ApiResponse({
    status: 401,
    description: 'Refused; error.details.reason: MALFORMED, UNKNOWN_KEY, KEY_REVOKED, BAD_SIGNATURE, EXPIRED, EXPIRY_TOO_FAR',
  })
  @ApiResponse({ status: 404, description: 'The room does not exist' })
  exchange(@Body() body: ExternalAuthRequest): Promise<ExternalAuthResponse> {
    return this.apps.exchange(body.token);
  }
}
