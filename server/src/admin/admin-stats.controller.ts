import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorCode, type AdminStatsSnapshot } from '@minimeet/shared';
import { AdminGuard } from '../auth/admin.guard.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { AppError } from '../common/app-error.js';
import { AdminStatsService } from './admin-stats.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/stats')
@UseGuards(JwtAuthGuard, AdminGuard)
export class AdminStatsController {
  constructor(@Inject(AdminStatsService) private readonly stats: AdminStatsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Latest SFU snapshot (workers, rooms, peers, producers, consumers, bitrates), taken every ADMIN_STATS_INTERVAL_MS',
  })
  @ApiResponse({ status: 403, description: 'Not an admin' })
  @ApiResponse({ status: 503, description: 'No snapshot could be taken yet' })
  get(): AdminStatsSnapshot {
    const snapshot = this.stats.latest();
    if (!snapshot) throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'No stats snapshot has been taken yet');
    return snapshot;
  }
}
