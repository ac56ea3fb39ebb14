import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ErrorCode, type AttachmentDto, type UserDto } from '@minimeet/shared';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Repository } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import {
  OBJECT_STORAGE,
  StorageLimitError,
  type ObjectStorage,
  type StoredObject,
} from '../storage/object-storage.js';
import { Attachment, attachmentKey } from './attachment.entity.js';
import { receiveOneFile } from './multipart-file.js';
import { isRasterImage, peekHead, sniffType } from './sniff-type.js';
import { Thumbnailer } from './thumbnailer.js';
import { UPLOAD_RATE_LIMITER, type UploadRateLimiter } from './upload-rate-limiter.js';

/** Longest stored name (the column's size). */
const NAME_MAX = 255;
/** Multipart framing around the file: a Content-Length beyond max + this is refused unread. */
const MULTIPART_OVERHEAD = 64 * 1024;

/** What a download streams, with the row that says how to serve it. */
export interface AttachmentDownload {
  attachment: Attachment;
  object: StoredObject;
}

/**
 * Uploading files to a room and reading them back. Who may: uploads by members (and admins)
 * of the room; downloads by its current members, and an unsent upload by its uploader only.
 * Everyone else gets the NOT_FOUND a missing attachment gets, so ids say nothing.
 */
@Injectable()
export class AttachmentsService {
  constructor(
    @InjectRepository(Attachment) private readonly attachments: Repository<Attachment>,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(Thumbnailer) private readonly thumbnails: Thumbnailer,
    @Inject(UPLOAD_RATE_LIMITER) private readonly limiter: UploadRateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Stores the request's one file as an unsent attachment of the room. The room is checked
   * before a byte of the body is read (a room the caller may not see answers like a missing one).
   */
  async upload(user: UserDto, roomId: number, req: IncomingMessage): Promise<AttachmentDto> {
    await this.access.requireReader(roomId, user);
    const { maxBytes, quotaBytes } = this.config.attachments;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) throw tooLarge(maxBytes);
    const decision = await this.limiter.consume(user.id);
    if (!decision.allowed) {
      throw new AppError(ErrorCode.RATE_LIMITED, 'Uploading too fast, slow down', {
        retryAfterMs: decision.retryAfterMs,
      });
    }
    const used = await this.storedBytes(user.id);
    if (used >= quotaBytes) throw quotaExceeded(quotaBytes);

    const id = randomUUID();
    const key = attachmentKey(roomId, id);
    const stored = await receiveOneFile(req, (file, filename) => this.store(key, file, filename, maxBytes));
    // Uploads racing each other may pass the check above together; the stored size decides.
    if (used + stored.size > quotaBytes) {
      await this.storage.delete(key);
      throw quotaExceeded(quotaBytes);
    }
    const row = this.attachments.create({
      id,
      roomId,
      uploaderId: user.id,
      messageId: null,
      name: stored.name,
      size: stored.size,
      mimeType: stored.mimeType,
      hasThumbnail: false,
      createdAt: new Date(),
    });
    try {
      await this.attachments.insert(row);
    } catch (err) {
      await this.storage.delete(key).catch(() => undefined);
      throw err;
    }
    if (
      isRasterImage(row.mimeType) &&
      (await this.thumbnails.make(key, attachmentKey(roomId, id, 'thumbnail')))
    ) {
      row.hasThumbnail = true;
      await this.attachments.update({ id }, { hasThumbnail: true });
    }
    return toAttachmentDto(row);
  }

  private async store(
    key: string,
    file: Readable,
    filename: string,
    maxBytes: number,
  ): Promise<{ name: string; size: number; mimeType: string }> {
    const { head, body } = await peekHead(file);
    const mimeType = sniffType(head);
    try {
      const { size } = await this.storage.put(key, body, { maxBytes, contentType: mimeType });
      return { name: displayName(filename), size, mimeType };
    } catch (err) {
      if (err instanceof StorageLimitError) throw tooLarge(maxBytes);
      throw err;
    }
  }

  /** The attachment's bytes (or thumbnail) for a reader allowed to see it, else NOT_FOUND. */
  async open(user: UserDto, id: string, variant: 'file' | 'thumbnail'): Promise<AttachmentDownload> {
    const attachment = await this.attachments.findOneBy({ id });
    if (!attachment) throw attachmentNotFound();
    if (attachment.messageId === null && attachment.uploaderId !== user.id) throw attachmentNotFound();
    if (variant === 'thumbnail' && !attachment.hasThumbnail) throw attachmentNotFound();
    try {
      await this.access.requireReader(attachment.roomId, user);
    } catch (err) {
      if (err instanceof AppError) throw attachmentNotFound();
      throw err;
    }
    const object = await this.storage.get(attachmentKey(attachment.roomId, id, variant));
    if (!object) throw attachmentNotFound();
    return { attachment, object };
  }

  /** Bytes of attachments the user keeps stored (sent or not). */
  private async storedBytes(userId: number): Promise<number> {
    const row = await this.attachments
      .createQueryBuilder('a')
      .select('COALESCE(SUM(a.size), 0)', 'total')
      .where('a.uploaderId = :userId', { userId })
      .getRawOne<{ total: string | number }>();
    return Number(row?.total ?? 0);
  }
}

export function toAttachmentDto(a: Attachment): AttachmentDto {
  return {
    id: a.id,
    name: a.name,
    size: a.size,
    mimeType: a.mimeType,
    kind: isRasterImage(a.mimeType) ? 'image' : 'file',
    hasThumbnail: Boolean(a.hasThumbnail),
  };
}

/** The uploaded name for display: its last path part, without control characters, at most 255 chars. */
function displayName(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are what this strips
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (clean || 'file').slice(0, NAME_MAX);
}

function attachmentNotFound(): AppError {
  return new AppError(ErrorCode.NOT_FOUND, 'Attachment not found');
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(ErrorCode.TOO_LARGE, `Files are limited to ${maxBytes} bytes`);
}

function quotaExceeded(quotaBytes: number): AppError {
  return new AppError(
    ErrorCode.QUOTA_EXCEEDED,
    `Your stored attachments are limited to ${quotaBytes} bytes in all`,
  );
}
