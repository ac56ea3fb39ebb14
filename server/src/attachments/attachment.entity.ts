import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Message } from '../chat/message.entity.js';
import { Room } from '../rooms/room.entity.js';
import { User } from '../users/user.entity.js';

/**
 * A file uploaded to a room. Unsent (messageId null) until its uploader sends it with a message;
 * then it belongs to that message. The bytes live in ObjectStorage under `attachmentKey`.
 * Rows go with the user (cascade) and with the room (deleted when the room is, see
 * AttachmentsCleanup: rooms are soft-deleted, so no cascade fires).
 */
@Entity({ name: 'attachments' })
export class Attachment {
  /** Random UUID: also the download URL's id, so ids cannot be walked. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'int' })
  roomId: number;

  @ManyToOne(() => Room, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'roomId' })
  room: Relation<Room>;

  @Column({ type: 'int' })
  uploaderId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'uploaderId' })
  uploader: Relation<User>;

  @Column({ type: 'int', nullable: true })
  messageId: number | null;

  @ManyToOne(() => Message, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'messageId' })
  message: Relation<Message> | null;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'int' })
  size: number;

  @Column({ type: 'varchar', length: 100 })
  mimeType: string;

  @Column({ type: 'boolean', default: false })
  hasThumbnail: boolean;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

/** Where an attachment's bytes are stored; everything of a room shares `roomAttachmentsPrefix`. */
export function attachmentKey(roomId: number, id: string, variant: 'file' | 'thumbnail' = 'file'): string {
  return `${roomAttachmentsPrefix(roomId)}${id}${variant === 'thumbnail' ? '.thumb.jpg' : ''}`;
}

export function roomAttachmentsPrefix(roomId: number): string {
  return `attachments/room-${roomId}/`;
}
