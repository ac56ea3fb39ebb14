import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AdminProcessReport } from '@minimeet/shared';
import { AdminGuard } from '../auth/admin.guard.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { AdminProcessService } from './admin-process.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/process')
@UseGuards(JwtAuthGuard, AdminGuard)
export class AdminProcessController {
  constructor(@Inject(AdminProcessService) private readonly reports: AdminProcessService) {}

  @Get()
  @ApiOperation({
    summary:
      "This process's memory, active handles and timers by type, sockets, and the mediasoup objects each worker holds (read on request, for leak watching)",
  })
  @ApiResponse({ status: 403, description: 'Not an admin' })
  get(): Promise<AdminProcessReport> {
    return this.reports.report();
  }
}
