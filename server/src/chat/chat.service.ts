import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import {
  ErrorCode,
  HISTORY_DEFAULT_LIMIT,
  type AttachmentDto,
  type ChatMessage,
  type MessagePage,
  type SearchResult,
  type UserDto,
} from '@minimeet/shared';
import { In, LessThan, type DataSource, type FindOptionsWhere, type Repository } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { isForeignKeyViolation, isUniqueViolation } from '../common/db-errors.js';
import { KeyedSerialQueue } from '../common/keyed-serial-queue.js';
import { CLUSTER_LOCKS, type ClusterLocks } from '../cluster/cluster-lock.js';
import { MessageAttachments } from '../attachments/message-attachments.js';
import { AppMetrics } from '../metrics/app-metrics.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { CHAT_RATE_LIMITER, type ChatRateLimiter } from './chat-rate-limiter.js';
import { buildSnippet, searchMessageIds, searchTerms } from './message-search.js';
import { Message } from './message.entity.js';

export interface SendInput {
  roomId: number;
  content: string;
  clientMessageId: string;
  /** The sender's unsent uploads to this room, sent with the message. */
  attachmentIds?: string[];
}

export interface SendOutcome {
  message: ChatMessage;
  /** False when the clientMessageId was already stored (a retry): nothing new to broadcast. */
  created: boolean;
}

/** A room's chat lock lapses after this if its holder dies mid-send. */
const CHAT_LOCK_TTL_MS = 5000;
/** Sends remembered as failed-after-maybe-storing (see `unconfirmed`); the oldest are forgotten. */
const UNCONFIRMED_MAX = 10_000;

@Injectable()
export class ChatService {
  /**
   * Per room: insert then publish, one message at a time, so broadcast order = id order. The
   * queue orders this node's sends; the room's cluster lock orders them against other nodes'.
   */
  private readonly roomQueue = new KeyedSerialQueue<number>();
  /**
   * `senderId:clientMessageId` of sends that failed on the database or Redis (not refused):
   * the row may be stored (the connection died after the INSERT, or publishing failed after
   * it) without anyone having seen it. The resend with the same clientMessageId then publishes
   * the stored message instead of only answering it, so no acked message stays unseen.
   */
  private readonly unconfirmed = new Set<string>();

  constructor(
    @InjectRepository(Message) private readonly messages: Repository<Message>,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(CHAT_RATE_LIMITER) private readonly limiter: ChatRateLimiter,
    @Inject(AppMetrics) private readonly metrics: AppMetrics,
    @Inject(CLUSTER_LOCKS) private readonly locks: ClusterLocks,
    @Inject(MessageAttachments) private readonly attachments: MessageAttachments,
  ) {}

  /**
   * Stores a message (the caller has checked the sender is in the room) and calls `publish`
   * after the row is committed, inside the room's queue so broadcast order = id order.
   * A repeated clientMessageId returns the stored message without publishing again.
   *
   * The common path is one INSERT: a retry is caught by the unique (senderId, clientMessageId)
   * index and a deleted room by the foreign key, instead of looking both up first. Those
   * lookups ran serially in the room's queue and, with many busy rooms on MariaDB, made the
   * queues grow faster than they drained (chat p99 of seconds in the bench). The price: a
   * retry of a stored message counts against the sender's rate limit, though when it is over
   * the limit it still gets its stored message back rather than RATE_LIMITED.
   */
  async send(
    sender: UserDto,
    input: SendInput,
    publish: (message: ChatMessage) => Promise<void> | void,
  ): Promise<SendOutcome> {
    const clientMessageId = input.clientMessageId.toLowerCase();
    const decision = await this.limiter.consume(sender.id);
    if (!decision.allowed) {
      const existing = await this.findByClientId(sender.id, clientMessageId);
      if (existing) return { message: await this.sameRoom(existing, input.roomId), created: false };
      throw new AppError(ErrorCode.RATE_LIMITED, 'Sending too fast, slow down', {
        retryAfterMs: decision.retryAfterMs,
      });
    }
    try {
      return await this.roomQueue.run(input.roomId, () =>
        this.locks.withLock(`chat:${input.roomId}`, CHAT_LOCK_TTL_MS, () =>
          this.store(sender, input, clientMessageId, publish),
        ),
      );
    } catch (err) {
      if (!(err instanceof AppError)) this.rememberUnconfirmed(`${sender.id}:${clientMessageId}`);
      throw err;
    }
  }

  private rememberUnconfirmed(key: string): void {
    this.unconfirmed.add(key);
    if (this.unconfirmed.size > UNCONFIRMED_MAX) {
      const oldest = this.unconfirmed.values().next().value;
      if (oldest !== undefined) this.unconfirmed.delete(oldest);
    }
  }

  /** Inserts and publishes (the caller holds the room's queue and cluster lock). */
  private async store(
    sender: UserDto,
    input: SendInput,
    clientMessageId: string,
    publish: (message: ChatMessage) => Promise<void> | void,
  ): Promise<SendOutcome> {
    const attachmentIds = input.attachmentIds ?? [];
    if (attachmentIds.length) {
      // A retry's attachments are already the stored message's: answer it before checking them.
      const existing = await this.findByClientId(sender.id, clientMessageId);
      if (existing) return this.retried(existing, sender.id, clientMessageId, input.roomId, publish);
      await this.attachments.assertClaimable(sender.id, input.roomId, attachmentIds);
    }
    const row = this.messages.create({
      roomId: input.roomId,
      senderId: sender.id,
      content: input.content,
      clientMessageId,
      createdAt: new Date(),
    });
    try {
      // insert, not save: one autocommitted statement instead of BEGIN/INSERT/COMMIT.
      const result = await this.messages.insert(row);
      row.id = (result.identifiers[0] as { id: number }).id;
    } catch (err) {
      return this.insertFailed(err, sender.id, clientMessageId, input.roomId, publish);
    }
    this.metrics.chatMessageStored();
    this.unconfirmed.delete(`${sender.id}:${clientMessageId}`);
    const attached = await this.attachments.attach(row.id, sender.id, attachmentIds);
    const message = toChatMessage(row, sender, attached);
    await publish(message);
    return { message, created: true };
  }

  /** Why an insert failed: a retry (or a concurrent one) of a stored message, or a room gone. */
  private async insertFailed(
    err: unknown,
    senderId: number,
    clientMessageId: string,
    roomId: number,
    publish: (message: ChatMessage) => Promise<void> | void,
  ): Promise<SendOutcome> {
    if (isUniqueViolation(err)) {
      const existing = await this.findByClientId(senderId, clientMessageId);
      if (existing) return this.retried(existing, senderId, clientMessageId, roomId, publish);
    }
    // The room (or the sender) was deleted meanwhile: say which, as a lookup would have.
    if (isForeignKeyViolation(err)) await this.rooms.require(roomId);
    throw err;
  }

  /** The stored message a retry names. */
  private async retried(
    existing: Message,
    senderId: number,
    clientMessageId: string,
    roomId: number,
    publish: (message: ChatMessage) => Promise<void> | void,
  ): Promise<SendOutcome> {
    const message = await this.sameRoom(existing, roomId);
    // A resend after a failure that may have stored it unseen: publish it now (in the
    // room's queue and lock, like a new message). Clients drop a message id they have.
    if (this.unconfirmed.delete(`${senderId}:${clientMessageId}`)) await publish(message);
    return { message, created: false };
  }

  /**
   * Members and admins (with the role the caller re-read: an admin's joins of private rooms
   * record no membership, so the access ends with the role). Oldest first; `before` is an
   * exclusive message-id cursor.
   */
  async history(
    reader: UserDto,
    roomId: number,
    before: number | undefined,
    limit = HISTORY_DEFAULT_LIMIT,
  ): Promise<MessagePage> {
    await this.access.requireReader(roomId, reader);
    const where: FindOptionsWhere<Message> = before ? { roomId, id: LessThan(before) } : { roomId };
    const rows = await this.messages.find({
      where,
      relations: { sender: true },
      order: { id: 'DESC' },
      take: limit + 1,
    });
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).reverse();
    const attached = await this.attachments.forMessages(page.map((m) => m.id));
    return { messages: page.map((m) => toChatMessage(m, m.sender, attached.get(m.id))), hasMore };
  }

  /**
   * Full-text search over the rooms the user has joined (or one of them: a room the user may not
   * see is NOT_FOUND like a missing one, a visible one never joined NOT_IN_ROOM). Admins search
   * their own memberships too: the admin role reads history room by room.
   */
  async search(searcher: UserDto, q: string, roomId?: number): Promise<SearchResult[]> {
    let roomIds = await this.rooms.memberRoomIds(searcher.id);
    if (roomId !== undefined) {
      await this.access.requireVisible(roomId, searcher);
      if (!roomIds.includes(roomId)) throw new AppError(ErrorCode.NOT_IN_ROOM, `Join room ${roomId} first`);
      roomIds = [roomId];
    }
    const terms = searchTerms(q);
    const ids = await searchMessageIds(this.db, terms, roomIds);
    if (!ids.length) return [];
    const rows = await this.messages.find({ where: { id: In(ids) }, relations: { sender: true } });
    const byId = new Map(rows.map((m) => [m.id, m]));
    const attached = await this.attachments.forMessages(rows.map((m) => m.id));
    return ids
      .map((id) => byId.get(id))
      .filter((m): m is Message => m !== undefined)
      .map((m) => ({
        message: toChatMessage(m, m.sender, attached.get(m.id)),
        snippet: buildSnippet(m.content, terms),
      }));
  }

  private findByClientId(senderId: number, clientMessageId: string): Promise<Message | null> {
    return this.messages.findOne({ where: { senderId, clientMessageId }, relations: { sender: true } });
  }

  private async sameRoom(existing: Message, roomId: number): Promise<ChatMessage> {
    if (existing.roomId !== roomId) {
      throw new AppError(
        ErrorCode.CONFLICT,
        'clientMessageId was already used for a message in another room',
        {
          fields: { clientMessageId: ['already used in another room'] },
        },
      );
    }
    const attached = await this.attachments.forMessages([existing.id]);
    return toChatMessage(existing, existing.sender, attached.get(existing.id));
  }
}

export function toChatMessage(
  m: Message,
  sender: { id: number; username: string },
  attachments: AttachmentDto[] = [],
): ChatMessage {
  return {
    id: m.id,
    roomId: m.roomId,
    sender: { id: sender.id, username: sender.username },
    content: m.content,
    createdAt: m.createdAt.toISOString(),
    clientMessageId: m.clientMessageId,
    attachments,
  };
}
