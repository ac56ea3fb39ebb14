import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ErrorCode, type AttachmentDto } from '@minimeet/shared';
import { In, IsNull, type Repository } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { Attachment } from './attachment.entity.js';
import { toAttachmentDto } from './attachments.service.js';

/** Attachments as chat sees them: claimed by a message when sent, listed with messages. */
@Injectable()
export class MessageAttachments {
  constructor(@InjectRepository(Attachment) private readonly attachments: Repository<Attachment>) {}

  /**
   * VALIDATION unless every id is the sender's own unsent upload to this room (someone else's,
   * another room's, an already sent one and a missing one are refused alike).
   */
  async assertClaimable(senderId: number, roomId: number, ids: readonly string[]): Promise<void> {
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    if (!unique.length) return;
    const found = await this.attachments.count({
      where: { id: In(unique), roomId, uploaderId: senderId, messageId: IsNull() },
    });
    if (found !== unique.length) {
      const message = 'attachmentIds must name your own unsent uploads to this room';
      throw new AppError(ErrorCode.VALIDATION, message, { fields: { attachmentIds: [message] } });
    }
  }

  /** Gives the (checked) unsent uploads to the message; returns what it now carries. */
  async attach(messageId: number, senderId: number, ids: readonly string[]): Promise<AttachmentDto[]> {
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    if (!unique.length) return [];
    await this.attachments.update(
      { id: In(unique), uploaderId: senderId, messageId: IsNull() },
      { messageId },
    );
    return (await this.forMessages([messageId])).get(messageId) ?? [];
  }

  /** Message id → its attachments, oldest upload first (one query). */
  async forMessages(messageIds: readonly number[]): Promise<Map<number, AttachmentDto[]>> {
    const byMessage = new Map<number, AttachmentDto[]>();
    if (!messageIds.length) return byMessage;
    const rows = await this.attachments.find({
      where: { messageId: In([...messageIds]) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    for (const row of rows) {
      if (row.messageId === null) continue;
      const list = byMessage.get(row.messageId) ?? [];
      list.push(toAttachmentDto(row));
      byMessage.set(row.messageId, list);
    }
    return byMessage;
  }
}
