import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  registerDecorator,
} from 'class-validator';
import { QueryInt, Trim } from './transforms.js';

export const MESSAGE_MAX_LENGTH = 2000;
export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 100;
export const SEARCH_QUERY_MAX = 200;
/** Attachments one message may carry. */
export const MESSAGE_MAX_ATTACHMENTS = 10;

/**
 * A file sent with a chat message (POST /api/rooms/:id/attachments, then `sendMessage`
 * `attachmentIds`). Bytes at GET /api/attachments/:id, thumbnail at …/thumbnail when hasThumbnail.
 */
export interface AttachmentDto {
  id: string;
  /** The uploaded file's name (display only; never used to decide the type). */
  name: string;
  size: number;
  /** Decided by the server from the file's bytes. */
  mimeType: string;
  /** `image`: a raster image (png, jpeg, gif, webp) shown inline; `file`: a download card. */
  kind: 'image' | 'file';
  hasThumbnail: boolean;
}

export interface ChatMessage {
  id: number;
  roomId: number;
  sender: { id: number; username: string };
  /** Stored as sent (trimmed); clients escape it on display. */
  content: string;
  createdAt: string;
  clientMessageId: string;
  /** Files sent with the message (empty for text only). */
  attachments: AttachmentDto[];
}

/** GET /api/rooms/:id/messages and socket `loadMessageHistory`. */
export interface MessagePage {
  /** Oldest first. */
  messages: ChatMessage[];
  /** True when older messages exist before the first one returned. */
  hasMore: boolean;
}

export interface SearchResult {
  message: ChatMessage;
  /** Plain-text excerpt around the first match. */
  snippet: string;
}

/** GET /api/messages/search */
export interface SearchResponse {
  results: SearchResult[];
}

/** Message text is required unless the message carries attachments. */
function TextOrAttachments(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'textOrAttachments',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown, args): boolean {
          const ids = (args?.object as { attachmentIds?: unknown } | undefined)?.attachmentIds;
          return typeof value === 'string' && (value.length > 0 || (Array.isArray(ids) && ids.length > 0));
        },
        defaultMessage: () => 'content must not be empty unless the message carries attachments',
      },
    });
}

/** Socket `sendMessage`. */
export class SendMessageRequest {
  @IsInt()
  @Min(1)
  roomId!: number;

  /** May be empty when the message carries attachments. */
  @Trim()
  @IsString()
  @MaxLength(MESSAGE_MAX_LENGTH)
  @TextOrAttachments()
  content!: string;

  @IsUUID('all')
  clientMessageId!: string;

  /** The sender's own uploads to this room not yet sent with a message. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MESSAGE_MAX_ATTACHMENTS)
  @IsUUID('all', { each: true })
  attachmentIds?: string[];
}

export interface SendMessageData {
  message: ChatMessage;
}

/** Socket `loadMessageHistory` (JSON numbers, no coercion). */
export class LoadMessageHistoryRequest {
  @IsInt()
  @Min(1)
  roomId!: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  before?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(HISTORY_MAX_LIMIT)
  limit?: number;
}

/** Query of GET /api/rooms/:id/messages (strings from the URL, converted to numbers). */
export class MessageHistoryQuery {
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  before?: number;

  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(HISTORY_MAX_LIMIT)
  limit?: number;
}

/** Query of GET /api/messages/search. */
export class SearchMessagesQuery {
  @IsString()
  @Length(1, SEARCH_QUERY_MAX)
  q!: string;

  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  roomId?: number;
}
