import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CallSessionsQuery, type CallSessionsResponse } from '@minimeet/shared';
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
    summary: 'Call analytics: calls that started between from and to (ISO 8601), newest first',
  })
  @ApiResponse({ status: 403, description: 'Not an admin' })
  async list(@Query() query: CallSessionsQuery): Promise<CallSessionsResponse> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    return { calls: await this.calls.list(from, to) };
  }
}
