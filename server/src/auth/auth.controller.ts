import { Body, Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle, ThrottlerGuard } from '@nestjs/throttler';
import {
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  type AuthResponse,
  type UserDto,
} from '@minimeet/shared';
import { AuthService } from './auth.service.js';
import { CurrentUser } from './current-user.js';
import { JwtAuthGuard, RoomTokenAllowed } from './jwt-auth.guard.js';

@ApiTags('auth')
@Controller('auth')
@UseGuards(ThrottlerGuard)
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Post('register')
  @ApiOperation({ summary: 'Create an account; returns a token pair' })
  @ApiResponse({
    status: 201,
    description: '{ accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt, user }',
  })
  @ApiResponse({ status: 403, description: 'Username reserved for an admin (ADMIN_USERNAMES)' })
  @ApiResponse({ status: 409, description: 'Username taken (case-insensitive)' })
  @ApiResponse({ status: 429, description: 'Too many auth requests from this address' })
  register(@Body() body: RegisterRequest): Promise<AuthResponse> {
    return this.auth.register(body.username, body.password);
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in; returns a token pair' })
  @ApiResponse({ status: 200, description: '{ accessToken, accessTokenExpiresAt, refreshToken, …, user }' })
  @ApiResponse({ status: 401, description: 'Unknown user or wrong password (same message)' })
  login(@Body() body: LoginRequest): Promise<AuthResponse> {
    return this.auth.login(body.username, body.password);
  }

  @Post('refresh')
  @HttpCode(200)
  // 256 random bits cannot be guessed; throttling would only log out many users behind one NAT.
  @SkipThrottle({ auth: true })
  @ApiOperation({ summary: 'Trade a refresh token for a new pair; the old one stops working' })
  @ApiResponse({ status: 200, description: 'a new pair, same shape as login' })
  @ApiResponse({ status: 401, description: 'Unknown, expired, already used or revoked refresh token' })
  refresh(@Body() body: RefreshRequest): Promise<AuthResponse> {
    return this.auth.refresh(body.refreshToken);
  }

  @Get('me')
  // Named after the throttler: a bare @SkipThrottle() only skips one called "default".
  @SkipThrottle({ auth: true })
  @UseGuards(JwtAuthGuard)
  @RoomTokenAllowed()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in user' })
  me(@CurrentUser() user: UserDto): UserDto {
    return user;
  }
}
