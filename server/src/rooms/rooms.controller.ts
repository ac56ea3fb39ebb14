import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CreateRoomRequest, type RoomDto, type UserDto } from '@minimeet/shared';
import { CurrentUser } from '../auth/current-user.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { RoomsService } from './rooms.service.js';

@ApiTags('rooms')
@ApiBearerAuth()
@Controller('rooms')
@UseGuards(JwtAuthGuard)
export class RoomsController {
  constructor(@Inject(RoomsService) private readonly rooms: RoomsService) {}

  @Get()
  @ApiOperation({ summary: 'All rooms with their live participant counts' })
  list(): Promise<RoomDto[]> {
    return this.rooms.list();
  }

  @Post()
  @ApiOperation({ summary: 'Create a room owned by the caller' })
  @ApiResponse({ status: 201, description: 'The room' })
  create(@CurrentUser() user: UserDto, @Body() body: CreateRoomRequest): Promise<RoomDto> {
    return this.rooms.create(user, body);
  }

  @Get(':id')
  @ApiResponse({ status: 404, description: 'No such room' })
  get(@Param('id', ParseIdPipe) id: number): Promise<RoomDto> {
    return this.rooms.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a room (owner or admin); everyone in it gets roomDeleted' })
  @ApiResponse({ status: 403, description: 'Neither owner nor admin' })
  async delete(@CurrentUser() user: UserDto, @Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.rooms.delete(id, user);
  }
}
