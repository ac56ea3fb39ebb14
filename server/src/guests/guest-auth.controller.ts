import { Body, Controller, HttpCode, Inject, Ip, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { GuestAuthRequest, type GuestAuthResponse, type UserDto } from '@minimeet/shared';
import { CurrentUser } from '../auth/current-user.js';
import { JwtAuthGuard, RoomTokenAllowed } from '../auth/jwt-auth.guard.js';
import { GuestAuthService } from './guest-auth.service.js';

@ApiTags('auth')
@Controller('auth/guest')
export class GuestAuthController {
  constructor(@Inject(GuestAuthService) private readonly guests: GuestAuthService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Join a room that allows guests without an account; a short-lived token for that room only' })
  @ApiResponse({ status: 200, description: '{ accessToken, accessTokenExpiresAt, user } (user.role guest, user.roomScope)' })
  @ApiResponse({ status: 400, description: 'Bad display name (1..32 characters, no control characters) or room id' })
  @ApiResponse({ status: 403, description: 'The room does not allow guests' })
  @ApiResponse({ status: 404, description: 'No such room, or a private room without its current invite token (same answer)' })
  @ApiResponse({ status: 403, description: 'ROOM_LOCKED: the room is locked' })
  @ApiResponse({ status: 429, description: 'Too many guest logins from this address' })
  // req.ip: the client's address as TRUST_PROXY allows reading it.
  join(@Body() body: GuestAuthRequest, @Ip() ip: string): Promise<GuestAuthResponse> {
    return this.guests.join(body, ip);
  }

  @Post('renew')
  @HttpCode(200)
  @UseGuards(JwtAuthGuard)
  @RoomTokenAllowed()
  @ApiBearerAuth()
  @ApiOperation({ summary: "A guest's new token for its room, only while it is in the call" })
  @ApiResponse({ status: 200, description: 'same shape as POST /api/auth/guest' })
  @ApiResponse({ status: 403, description: 'Not a guest session' })
  @ApiResponse({ status: 403, description: 'NOT_IN_ROOM: the guest left the call; join again by link' })
  renew(@CurrentUser() user: UserDto): Promise<GuestAuthResponse> {
    return this.guests.renew(user);
  }
}
