import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { AttachmentDto, UserDto } from '@minimeet/shared';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { CurrentUser } from '../auth/current-user.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { contentDisposition } from '../common/content-disposition.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { AttachmentsService, type AttachmentDownload } from './attachments.service.js';
import { isRasterImage } from './sniff-type.js';

const HIDDEN = 'No such room, or a private one the caller may not see (the same answer)';
const NOT_FOUND =
  'No such attachment, or one the caller may not read (not a current member of its room, or an unsent upload of someone else): the same answer';

/**
 * Uploading chat attachments and downloading them. Downloads are served so that nothing
 * uploaded can run in the app's origin: a sandboxing CSP, nosniff, and `attachment`
 * disposition for everything but raster images.
 */
@ApiTags('chat')
@ApiBearerAuth()
@Controller()
@UseGuards(JwtAuthGuard)
export class AttachmentsController {
  constructor(@Inject(AttachmentsService) private readonly attachments: AttachmentsService) {}

  @Post('rooms/:id/attachments')
  @ApiOperation({
    summary:
      'Upload one file to the room (multipart/form-data, one file field); send it with sendMessage attachmentIds',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: { file: { type: 'string', format: 'binary' } },
      required: ['file'],
    },
  })
  @ApiResponse({
    status: 201,
    description: 'The stored attachment (AttachmentDto; type decided from the bytes)',
  })
  @ApiResponse({ status: 400, description: 'VALIDATION: not multipart, or no file' })
  @ApiResponse({ status: 403, description: 'NOT_IN_ROOM: the caller never joined the room' })
  @ApiResponse({ status: 404, description: HIDDEN })
  @ApiResponse({
    status: 413,
    description: 'TOO_LARGE (ATTACHMENT_MAX_BYTES) or QUOTA_EXCEEDED (ATTACHMENT_QUOTA_BYTES)',
  })
  @ApiResponse({
    status: 429,
    description: 'RATE_LIMITED: ATTACHMENT_UPLOADS_PER_MINUTE (details.retryAfterMs)',
  })
  upload(
    @CurrentUser() user: UserDto,
    @Param('id', ParseIdPipe) roomId: number,
    @Req() req: IncomingMessage,
  ): Promise<AttachmentDto> {
    return this.attachments.upload(user, roomId, req);
  }

  @Get('attachments/:attachmentId')
  @ApiOperation({ summary: "An attachment's bytes, for current members of its room" })
  @ApiProduces('application/octet-stream')
  @ApiResponse({
    status: 200,
    description: 'The file (Content-Disposition attachment, inline only for raster images)',
  })
  @ApiResponse({ status: 404, description: NOT_FOUND })
  @HttpCode(200)
  async download(
    @CurrentUser() user: UserDto,
    @Param('attachmentId', ParseUUIDPipe) id: string,
    @Res() res: ServerResponse,
  ): Promise<void> {
    await send(res, await this.attachments.open(user, id, 'file'), 'file');
  }

  @Get('attachments/:attachmentId/thumbnail')
  @ApiOperation({
    summary: "An image attachment's JPEG thumbnail (when hasThumbnail), for current members of its room",
  })
  @ApiProduces('image/jpeg')
  @ApiResponse({ status: 404, description: NOT_FOUND })
  @HttpCode(200)
  async thumbnail(
    @CurrentUser() user: UserDto,
    @Param('attachmentId', ParseUUIDPipe) id: string,
    @Res() res: ServerResponse,
  ): Promise<void> {
    await send(res, await this.attachments.open(user, id, 'thumbnail'), 'thumbnail');
  }
}

async function send(
  res: ServerResponse,
  { attachment, object }: AttachmentDownload,
  variant: 'file' | 'thumbnail',
) {
  const inline = variant === 'thumbnail' || isRasterImage(attachment.mimeType);
  const name = variant === 'thumbnail' ? `${attachment.name}.thumb.jpg` : attachment.name;
  res.statusCode = 200;
  res.setHeader('Content-Type', variant === 'thumbnail' ? 'image/jpeg' : attachment.mimeType);
  res.setHeader('Content-Length', String(object.size));
  res.setHeader('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', name));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
  res.setHeader('Cache-Control', 'private, no-store');
  try {
    await pipeline(object.body, res);
  } catch {
    // The reader went away, or storage failed mid-file: the response is already cut.
    res.destroy();
  }
}
