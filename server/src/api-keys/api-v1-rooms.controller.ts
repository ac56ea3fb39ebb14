import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CreateRoomRequest, ErrorCode, type Participant, type RoomDto, type UserDto } from '@minimeet/shared';
import { CurrentUser } from '../auth/current-user.js';
import { AppError } from '../common/app-error.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { ModerationService } from '../moderation/moderation.service.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { ApiKeyGuard } from './api-key.guard.js';

const NOT_OURS = "No such room, or not one of this key's rooms";

/**
 * The REST surface an app calls with its API key (HTTP Basic keyid:secret). It acts as the key's
 * app user, which owns the rooms the key creates: those are the only rooms it sees and manages.
 */
@ApiTags('api-v1')
@ApiBasicAuth()
@Controller('v1/rooms')
@UseGuards(ApiKeyGuard)
export class ApiV1RoomsController {
  constructor(
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(ModerationService) private readonly moderation: ModerationService,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
  ) {}

  /** The room if the key's app user owns it; NOT_FOUND otherwise (another app's room is not there). */
  private async owned(id: number, app: UserDto) {
    const room = await this.rooms.find(id);
    if (!room || room.ownerId !== app.id) throw new AppError(ErrorCode.NOT_FOUND, NOT_OURS);
    return room;
  }

  @Post()
  @ApiOperation({ summary: "Create a room owned by the key's app" })
  @ApiResponse({ status: 201, description: 'RoomDto' })
  @ApiResponse({ status: 401, description: 'Missing or wrong API key' })
  create(@CurrentUser() app: UserDto, @Body() body: CreateRoomRequest): Promise<RoomDto> {
    return this.rooms.create(app, body);
  }

  @Get()
  @ApiOperation({ summary: "The key's rooms" })
  async list(@CurrentUser() app: UserDto): Promise<RoomDto[]> {
    return (await this.rooms.list(app)).filter((r) => r.ownerId === app.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: "Delete one of the key's rooms (everyone in it gets roomDeleted)" })
  @ApiResponse({ status: 404, description: NOT_OURS })
  async delete(@CurrentUser() app: UserDto, @Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.rooms.delete(await this.owned(id, app), app);
  }

  @Get(':id/participants')
  @ApiOperation({ summary: 'Who is in the call now' })
  @ApiResponse({ status: 404, description: NOT_OURS })
  async participants(@CurrentUser() app: UserDto, @Param('id', ParseIdPipe) id: number): Promise<Participant[]> {
    await this.owned(id, app);
    return this.presence.participants(id);
  }

  @Delete(':id/participants/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a participant (as a moderator would: removedFromRoom, banned until let back)' })
  @ApiResponse({ status: 404, description: NOT_OURS })
  async remove(
    @CurrentUser() app: UserDto,
    @Param('id', ParseIdPipe) id: number,
    @Param('userId', ParseIdPipe) userId: number,
  ): Promise<void> {
    await this.owned(id, app);
    await this.moderation.remove(app, { roomId: id, userId });
  }

  @Post(':id/end')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the call: everyone leaves with callEnded; the room stays' })
  @ApiResponse({ status: 404, description: NOT_OURS })
  async end(@CurrentUser() app: UserDto, @Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.owned(id, app);
    await this.moderation.endCall(app, { roomId: id });
  }
}
