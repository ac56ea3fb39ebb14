import { Controller, Delete, Get, HttpCode, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RecordingDownloadQuery, type RecordingDto, type UserDto } from '@minimeet/shared';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { CurrentUser } from '../auth/current-user.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { contentDisposition } from '../common/content-disposition.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { RecordingsService } from './recordings.service.js';

const HIDDEN = 'No such room, or a private one the caller may not see (the same answer)';
const MISSING = 'No such recording, or one the caller may not read (the same answer)';

/** Recordings of a room's calls: list, read, download (composite or one track), delete. */
@ApiTags('recordings')
@ApiBearerAuth()
@Controller()
@UseGuards(JwtAuthGuard)
export class RecordingsController {
  constructor(@Inject(RecordingsService) private readonly recordings: RecordingsService) {}

  @Get('rooms/:id/recordings')
  @ApiOperation({ summary: 'The room’s recordings, newest first (moderators; members too when recordingAccess is members)' })
  @ApiResponse({ status: 200, description: 'RecordingDto[]' })
  @ApiResponse({ status: 403, description: 'FORBIDDEN: the caller may not see this room’s recordings' })
  @ApiResponse({ status: 404, description: HIDDEN })
  list(@CurrentUser() user: UserDto, @Param('id', ParseIdPipe) roomId: number): Promise<RecordingDto[]> {
    return this.recordings.list(user, roomId);
  }

  @Get('recordings/:id')
  @ApiOperation({ summary: 'One recording (state, duration, tracks)' })
  @ApiResponse({ status: 200, description: 'RecordingDto' })
  @ApiResponse({ status: 404, description: MISSING })
  get(@CurrentUser() user: UserDto, @Param('id', ParseIdPipe) id: number): Promise<RecordingDto> {
    return this.recordings.get(user, id);
  }

  @Get('recordings/:id/download')
  @ApiOperation({
    summary:
      'The composite file (WebM), or with ?track=<id> one track’s file (&segment=N: its Nth segment, default 0); streamed as an attachment',
  })
  @ApiProduces('video/webm', 'audio/webm', 'video/x-matroska')
  @ApiResponse({ status: 200, description: 'The file (Content-Disposition attachment)' })
  @ApiResponse({ status: 404, description: `${MISSING}; or no such track / segment` })
  @ApiResponse({ status: 409, description: 'CONFLICT: the recording is not ready (recording, processing or failed)' })
  @HttpCode(200)
  async download(
    @CurrentUser() user: UserDto,
    @Param('id', ParseIdPipe) id: number,
    @Query() query: RecordingDownloadQuery,
    @Res() res: ServerResponse,
  ): Promise<void> {
    const { object, contentType, fileName } = await this.recordings.open(user, id, query);
    res.statusCode = 200;
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Length', String(object.size));
    res.setHeader('Content-Disposition', contentDisposition('attachment', fileName));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    try {
      await pipeline(object.body, res);
    } catch {
      // The reader went away, or storage failed mid-file: the response is already cut.
      res.destroy();
    }
  }

  @Delete('recordings/:id')
  @ApiOperation({ summary: 'Deletes a recording and its files (moderators)' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 403, description: 'FORBIDDEN: not a moderator of its room' })
  @ApiResponse({ status: 404, description: MISSING })
  @ApiResponse({ status: 409, description: 'CONFLICT: still recording or processing' })
  @HttpCode(204)
  async delete(@CurrentUser() user: UserDto, @Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.recordings.delete(user, id);
  }
}
