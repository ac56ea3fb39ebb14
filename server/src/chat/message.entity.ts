import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Room } from '../rooms/room.entity.js';
import { User } from '../users/user.entity.js';

/**
 * A chat message. Ids grow in insertion order and are the paging cursor (index roomId, id).
 * (senderId, clientMessageId) is unique: a retried send finds the stored row instead of
 * inserting a second. Full-text index: FTS5 table on SQLite, FULLTEXT on MariaDB (migration).
 */
@Entity({ name: 'messages' })
export class Message {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  roomId: number;

  @ManyToOne(() => Room, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'roomId' })
  room: Relation<Room>;

  @Column({ type: 'int' })
  senderId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'senderId' })
  sender: Relation<User>;

  @Column({ type: 'text' })
  content: string;

  @Column({ type: 'varchar', length: 36 })
  clientMessageId: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
