import { IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { QueryInt, Trim } from './transforms.js';

export const MESSAGE_MAX_LENGTH = 2000;
export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 100;
export const SEARCH_QUERY_MAX = 200;

export interface ChatMessage {
  id: number;
  roomId: number;
  sender: { id: number; username: string };
  /** Stored as sent (trimmed); clients escape it on display. */
  content: string;
  createdAt: string;
  clientMessageId: string;
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

/** Socket `sendMessage`. */
export class SendMessageRequest {
  @IsInt()
  @Min(1)
  roomId!: number;

  @Trim()
  @IsString()
  @Length(1, MESSAGE_MAX_LENGTH)
  content!: string;

  @IsUUID('all')
  clientMessageId!: string;
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
