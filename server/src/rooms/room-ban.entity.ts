import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';

/** A user removed from a room by a moderator: refused REMOVED_FROM_ROOM until the row is deleted. */
@Entity({ name: 'room_bans' })
export class RoomBan {
  @PrimaryColumn({ type: 'int' })
  roomId: number;

  @PrimaryColumn({ type: 'int' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user: Relation<User>;

  @Column({ type: 'int' })
  byUserId: number;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
