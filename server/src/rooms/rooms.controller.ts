import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CreateRoomRequest,
  ErrorCode,
  RoomPreviewQuery,
  UpdateRoomRequest,
  type RoomBanDto,
  type RoomDto,
  type RoomInviteDto,
  type RoomLimitsDto,
  type RoomPreviewDto,
  type UserDto,
} from '@minimeet/shared';
import { CurrentUser } from '../auth/current-user.js';
import { JwtAuthGuard, RoomTokenAllowed } from '../auth/jwt-auth.guard.js';
import { AppError } from '../common/app-error.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { RoomAccessService } from './room-access.service.js';
import { RoomBansService } from './room-bans.service.js';
import { RoomsService } from './rooms.service.js';

const HIDDEN = 'No such room, or a private one the caller may not see (the same answer for both)';

@ApiTags('rooms')
@ApiBearerAuth()
@Controller('rooms')
@UseGuards(JwtAuthGuard)
export class RoomsController {
  constructor(
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(RoomBansService) private readonly bans: RoomBansService,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Public rooms and the private rooms the caller owns or is a member of (admins: all)',
  })
  list(@CurrentUser() user: UserDto): Promise<RoomDto[]> {
    return this.rooms.list(user);
  }

  @Post()
  @ApiOperation({ summary: 'Create a room owned by the caller' })
  @ApiResponse({ status: 201, description: 'The room' })
  @ApiResponse({ status: 429, description: 'ROOM_CREATE_PER_HOUR reached (details.retryAfterMs)' })
  create(@CurrentUser() user: UserDto, @Body() body: CreateRoomRequest): Promise<RoomDto> {
    return this.rooms.create(user, body);
  }

  @Get('limits')
  @ApiOperation({ summary: "What this server accepts as a room's maxParticipants (ROOM_MAX_PARTICIPANTS_LIMIT)" })
  limits(): RoomLimitsDto {
    return this.rooms.limits();
  }

  @Get(':id')
  @ApiResponse({ status: 404, description: HIDDEN })
  async get(@CurrentUser() user: UserDto, @Param('id', ParseIdPipe) id: number): Promise<RoomDto> {
    return this.rooms.describe(await this.access.requireVisible(id, user));
  }

  @Get(':id/preview')
  @RoomTokenAllowed()
  @ApiOperation({
    summary:
      'For the pre-join screen: the room, the first users present (PREVIEW_PARTICIPANTS_MAX, by userId) and their count. ' +
      'Answered to whoever may see the room as joinRoom checks it (`invite` opens a private room); a guest or app token only for its own room. Admits nobody.',
  })
  @ApiResponse({ status: 404, description: HIDDEN })
  async preview(
    @CurrentUser() user: UserDto,
    @Param('id', ParseIdPipe) id: number,
    @Query() query: RoomPreviewQuery,
  ): Promise<RoomPreviewDto> {
    return this.rooms.preview(await this.access.requireVisible(id, user, query.invite));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change visibility, lock, join-muted, maxParticipants and/or kind (owner or admin); the room gets roomUpdated',
  })
  @ApiResponse({ status: 403, description: 'Neither owner nor admin' })
  @ApiResponse({ status: 409, description: 'kind changed while someone is in the call' })
  @ApiResponse({ status: 404, description: HIDDEN })
  async update(
    @CurrentUser() user: UserDto,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: UpdateRoomRequest,
  ): Promise<RoomDto> {
    return this.rooms.update(await this.access.requireModerator(id, user), body);
  }

  @Get(':id/invite')
  @ApiOperation({ summary: 'The current invite token (owner or admin)' })
  @ApiResponse({ status: 404, description: HIDDEN })
  async invite(@CurrentUser() user: UserDto, @Param('id', ParseIdPipe) id: number): Promise<RoomInviteDto> {
    return this.rooms.invite(await this.access.requireModerator(id, user));
  }

  @Post(':id/invite/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a new invite token; the old one admits nobody new (owner or admin)' })
  @ApiResponse({ status: 404, description: HIDDEN })
  async rotateInvite(@CurrentUser() user: UserDto, @Param('id', ParseIdPipe) id: number): Promise<RoomInviteDto> {
    return this.rooms.rotateInvite(await this.access.requireModerator(id, user));
  }

  @Get(':id/bans')
  @ApiOperation({ summary: 'Users removed from the room and kept out (owner or admin)' })
  @ApiResponse({ status: 404, description: HIDDEN })
  async listBans(@CurrentUser() user: UserDto, @Param('id', ParseIdPipe) id: number): Promise<RoomBanDto[]> {
    await this.access.requireModerator(id, user);
    return this.bans.list(id);
  }

  @Delete(':id/bans/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Let a removed user back in (owner or admin)' })
  @ApiResponse({ status: 404, description: `That user is not removed from this room. ${HIDDEN}` })
  async unban(
    @CurrentUser() user: UserDto,
    @Param('id', ParseIdPipe) id: number,
    @Param('userId', ParseIdPipe) userId: number,
  ): Promise<void> {
    await this.access.requireModerator(id, user);
    if (!(await this.bans.unban(id, userId))) {
      throw new AppError(ErrorCode.NOT_FOUND, `User ${userId} is not removed from room ${id}`);
    }
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a room (owner or admin); everyone in it gets roomDeleted' })
  @ApiResponse({ status: 403, description: 'Neither owner nor admin' })
  @ApiResponse({ status: 404, description: HIDDEN })
  async delete(@CurrentUser() user: UserDto, @Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.rooms.delete(await this.access.requireModerator(id, user), user);
  }
}
