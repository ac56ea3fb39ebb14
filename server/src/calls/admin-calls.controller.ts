import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CALL_PARTICIPANTS_DEFAULT_LIMIT,
  CallParticipantsQuery,
  CallSessionsQuery,
  type CallParticipantsPage,
  type CallSessionsResponse,
} from '@minimeet/shared';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { AdminGuard } from '../auth/admin.guard.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { CallSessionsService } from './call-sessions.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/calls')
@UseGuards(JwtAuthGuard, AdminGuard)
export class AdminCallsController {
  constructor(@Inject(CallSessionsService) private readonly calls: CallSessionsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Call analytics: calls that started between from and to (ISO 8601), newest first; each lists its first participantLimit stays (default 100) and a participantsCursor when there are more',
  })
  @ApiResponse({ status: 403, description: 'Not an admin' })
  async list(@Query() query: CallSessionsQuery): Promise<CallSessionsResponse> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    return { calls: await this.calls.list(from, to, query.participantLimit) };
  }

  @Get(':id/participants')
  @ApiOperation({
    summary: "A page of one call's stays, oldest first (cursor from participantsCursor / nextCursor)",
  })
  @ApiResponse({ status: 404, description: 'No such call' })
  participants(
    @Param('id', ParseIdPipe) id: number,
    @Query() query: CallParticipantsQuery,
  ): Promise<CallParticipantsPage> {
    return this.calls.participantsPage(id, query.cursor ?? 0, query.limit ?? CALL_PARTICIPANTS_DEFAULT_LIMIT);
  }
}
