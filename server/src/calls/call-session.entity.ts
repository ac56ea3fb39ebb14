import {
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Room } from '../rooms/room.entity.js';
import { CallParticipant } from './call-participant.entity.js';

/** One call: from the first user joining an empty room until the last one leaves. */
@Entity({ name: 'call_sessions' })
export class CallSession {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  roomId: number;

  @ManyToOne(() => Room, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'roomId' })
  room: Relation<Room>;

  @Column({ type: 'datetime' })
  startedAt: Date;

  /** Null while the call runs. */
  @Column({ type: 'datetime', nullable: true })
  endedAt: Date | null;

  @Column({ type: 'int' })
  peakParticipants: number;

  /**
   * The room id while the call runs, NULL once it ended. A unique index on it keeps one open
   * call per room across every server process (see CallSessionsService.userJoined).
   */
  @Column({ type: 'int', nullable: true })
  openRoomId: number | null;

  @OneToMany(() => CallParticipant, (p) => p.callSession)
  participants: Relation<CallParticipant[]>;
}
