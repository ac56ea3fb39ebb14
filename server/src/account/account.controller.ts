import { Body, Controller, Delete, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import {
  ChangePasswordRequest,
  DeleteAccountRequest,
  type AuthResponse,
  type UserDto,
} from '@minimeet/shared';
import { CurrentUser } from '../auth/current-user.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { AccountService } from './account.service.js';

/** Session-ending account actions, under /api/auth beside sign-in. Password checks are throttled like login. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth')
@UseGuards(JwtAuthGuard, ThrottlerGuard)
export class AccountController {
  constructor(@Inject(AccountService) private readonly account: AccountService) {}

  @Post('logout-all')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Sign out everywhere: every token of the user stops working, every socket closes',
  })
  @ApiResponse({ status: 204 })
  async logoutAll(@CurrentUser() user: UserDto): Promise<void> {
    await this.account.logoutAll(user);
  }

  @Post('password')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Change password; ends every session and returns a fresh token pair for this one',
  })
  @ApiResponse({ status: 200, description: '{ accessToken, refreshToken, accessTokenExpiresAt, … }' })
  @ApiResponse({ status: 403, description: 'Current password is wrong' })
  changePassword(@CurrentUser() user: UserDto, @Body() body: ChangePasswordRequest): Promise<AuthResponse> {
    return this.account.changePassword(user, body.currentPassword, body.newPassword);
  }

  @Delete('me')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove the account: sessions end, owned rooms are deleted, messages stay under "removed user"',
  })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 403, description: 'Password is wrong' })
  async remove(@CurrentUser() user: UserDto, @Body() body: DeleteAccountRequest): Promise<void> {
    await this.account.remove(user, body.password);
  }
}
