import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';
import { CallSession } from './call-session.entity.js';

/** One stay of one user in a call (leaving and coming back makes a second row). */
@Entity({ name: 'call_participants' })
export class CallParticipant {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  callSessionId: number;

  @ManyToOne(() => CallSession, (s) => s.participants, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'callSessionId' })
  callSession: Relation<CallSession>;

  @Column({ type: 'int' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user: Relation<User>;

  @Column({ type: 'datetime' })
  joinedAt: Date;

  @Column({ type: 'datetime', nullable: true })
  leftAt: Date | null;

  /** The role the user joined with (null for stays recorded before webhooks). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  role: string | null;
}
