import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  MessageHistoryQuery,
  SearchMessagesQuery,
  type MessagePage,
  type SearchResponse,
  type UserDto,
} from '@minimeet/shared';
import { CurrentUser } from '../auth/current-user.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { ChatService } from './chat.service.js';

@ApiTags('chat')
@ApiBearerAuth()
@Controller()
@UseGuards(JwtAuthGuard)
export class MessagesController {
  constructor(@Inject(ChatService) private readonly chat: ChatService) {}

  @Get('rooms/:id/messages')
  @ApiOperation({ summary: 'Message history, oldest first; page back with before=<oldest id seen>' })
  @ApiResponse({ status: 403, description: 'NOT_IN_ROOM: the caller never joined the room' })
  @ApiResponse({ status: 404, description: 'No such room, or a private one the caller may not see (the same answer)' })
  history(
    @CurrentUser() user: UserDto,
    @Param('id', ParseIdPipe) id: number,
    @Query() query: MessageHistoryQuery,
  ): Promise<MessagePage> {
    return this.chat.history(user, id, query.before, query.limit);
  }

  @Get('messages/search')
  @ApiOperation({
    summary: 'Full-text search over the rooms the caller has joined (newest first, at most 50)',
  })
  @ApiResponse({ status: 403, description: 'NOT_IN_ROOM: roomId names a room the caller never joined' })
  @ApiResponse({ status: 404, description: 'roomId names no room, or a private one the caller may not see (the same answer)' })
  async search(@CurrentUser() user: UserDto, @Query() query: SearchMessagesQuery): Promise<SearchResponse> {
    return { results: await this.chat.search(user, query.q, query.roomId) };
  }
}
