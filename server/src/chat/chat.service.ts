import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import {
  ErrorCode,
  HISTORY_DEFAULT_LIMIT,
  type ChatMessage,
  type MessagePage,
  type SearchResult,
  type UserDto,
} from '@minimeet/shared';
import { In, LessThan, type DataSource, type FindOptionsWhere, type Repository } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { KeyedSerialQueue } from '../common/keyed-serial-queue.js';
import { AppMetrics } from '../metrics/app-metrics.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { CHAT_RATE_LIMITER, type ChatRateLimiter } from './chat-rate-limiter.js';
import { buildSnippet, searchMessageIds, searchTerms } from './message-search.js';
import { Message } from './message.entity.js';

export interface SendInput {
  roomId: number;
  content: string;
  clientMessageId: string;
}

export interface SendOutcome {
  message: ChatMessage;
  /** False when the clientMessageId was already stored (a retry): nothing new to broadcast. */
  created: boolean;
}

@Injectable()
export class ChatService {
  /** Per room: insert then publish, one message at a time, so broadcast order = id order. */
  private readonly roomQueue = new KeyedSerialQueue<number>();

  constructor(
    @InjectRepository(Message) private readonly messages: Repository<Message>,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(CHAT_RATE_LIMITER) private readonly limiter: ChatRateLimiter,
    @Inject(AppMetrics) private readonly metrics: AppMetrics,
  ) {}

  /**
   * Stores a message (the caller has checked the sender is in the room) and calls `publish`
   * after the row is committed, still inside the room's queue. A repeated clientMessageId
   * returns the stored message without publishing again.
   */
  async send(
    sender: UserDto,
    input: SendInput,
    publish: (message: ChatMessage) => void,
  ): Promise<SendOutcome> {
    const clientMessageId = input.clientMessageId.toLowerCase();
    return this.roomQueue.run(input.roomId, async () => {
      const existing = await this.findByClientId(sender.id, clientMessageId);
      if (existing) return { message: this.sameRoom(existing, input.roomId), created: false };
      await this.rooms.require(input.roomId);
      const decision = await this.limiter.consume(sender.id);
      if (!decision.allowed) {
        throw new AppError(ErrorCode.RATE_LIMITED, 'Sending too fast, slow down', {
          retryAfterMs: decision.retryAfterMs,
        });
      }
      let row: Message;
      try {
        row = await this.messages.save(
          this.messages.create({
            roomId: input.roomId,
            senderId: sender.id,
            content: input.content,
            clientMessageId,
            createdAt: new Date(),
          }),
        );
      } catch (err) {
        // The same clientMessageId stored meanwhile by another process: that one wins.
        const raced = isUniqueViolation(err) ? await this.findByClientId(sender.id, clientMessageId) : null;
        if (raced) return { message: this.sameRoom(raced, input.roomId), created: false };
        throw err;
      }
      this.metrics.chatMessageStored();
      const message = toChatMessage(row, sender);
      publish(message);
      return { message, created: true };
    });
  }

  /** Members only. Oldest first; `before` is an exclusive message-id cursor. */
  async history(
    userId: number,
    roomId: number,
    before: number | undefined,
    limit = HISTORY_DEFAULT_LIMIT,
  ): Promise<MessagePage> {
    await this.rooms.requireMember(roomId, userId);
    const where: FindOptionsWhere<Message> = before ? { roomId, id: LessThan(before) } : { roomId };
    const rows = await this.messages.find({
      where,
      relations: { sender: true },
      order: { id: 'DESC' },
      take: limit + 1,
    });
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).reverse();
    return { messages: page.map((m) => toChatMessage(m, m.sender)), hasMore };
  }

  /** Full-text search over the rooms the user has joined (or one of them). */
  async search(userId: number, q: string, roomId?: number): Promise<SearchResult[]> {
    let roomIds = await this.rooms.memberRoomIds(userId);
    if (roomId !== undefined) {
      if (!roomIds.includes(roomId)) await this.rooms.requireMember(roomId, userId); // NOT_FOUND or NOT_IN_ROOM
      roomIds = [roomId];
    }
    const terms = searchTerms(q);
    const ids = await searchMessageIds(this.db, terms, roomIds);
    if (!ids.length) return [];
    const rows = await this.messages.find({ where: { id: In(ids) }, relations: { sender: true } });
    const byId = new Map(rows.map((m) => [m.id, m]));
    return ids
      .map((id) => byId.get(id))
      .filter((m): m is Message => m !== undefined)
      .map((m) => ({ message: toChatMessage(m, m.sender), snippet: buildSnippet(m.content, terms) }));
  }

  private findByClientId(senderId: number, clientMessageId: string): Promise<Message | null> {
    return this.messages.findOne({ where: { senderId, clientMessageId }, relations: { sender: true } });
  }

  private sameRoom(existing: Message, roomId: number): ChatMessage {
    if (existing.roomId !== roomId) {
      throw new AppError(
        ErrorCode.CONFLICT,
        'clientMessageId was already used for a message in another room',
        {
          fields: { clientMessageId: ['already used in another room'] },
        },
      );
    }
    return toChatMessage(existing, existing.sender);
  }
}

export function toChatMessage(m: Message, sender: { id: number; username: string }): ChatMessage {
  return {
    id: m.id,
    roomId: m.roomId,
    sender: { id: sender.id, username: sender.username },
    content: m.content,
    createdAt: m.createdAt.toISOString(),
    clientMessageId: m.clientMessageId,
  };
}
