import {
  Column,
  DeleteDateColumn,
  Entity,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import type { LobbyMode, RecordingAccess, RoomKind, RoomVisibility } from '@minimeet/shared';
import { User } from '../users/user.entity.js';

@Entity({ name: 'rooms' })
export class Room {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'int' })
  ownerId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ownerId' })
  owner: Relation<User>;

  /** Distinct present users allowed at once. */
  @Column({ type: 'int' })
  maxParticipants: number;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'varchar', length: 16, default: 'public' })
  visibility: RoomVisibility;

  /** No new joiners while set (see RoomAccess). */
  @Column({ type: 'boolean', default: false })
  locked: boolean;

  /** New joiners other than moderators start with their microphone producer paused (issue 19). */
  @Column({ type: 'boolean', default: false })
  joinMuted: boolean;

  /** People without an account may join by link as guests (POST /api/auth/guest). */
  @Column({ type: 'boolean', default: false })
  allowGuests: boolean;

  /** Who waits in the lobby until a moderator admits them (lobby.ts). */
  @Column({ type: 'varchar', length: 16, default: 'off' })
  lobby: LobbyMode;

  /** Who may list and download the room's recordings (recording.ts). */
  @Column({ type: 'varchar', length: 16, default: 'moderators' })
  recordingAccess: RecordingAccess;

  /** A webinar's non-hosts join as attendees (receive only) until brought on stage. */
  @Column({ type: 'varchar', length: 16, default: 'meeting' })
  kind: RoomKind;

  /** Current invite token of a private room; null until first issued. Never sent in RoomDto. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  inviteToken: string | null;

  /**
   * Rooms are soft-deleted: their messages and call history stay for analytics, while every
   * lookup through TypeORM skips them.
   */
  @DeleteDateColumn({ type: 'datetime', nullable: true })
  deletedAt: Date | null;

  /** Users who have joined the room at least once: they may read its history and search it. */
  @ManyToMany(() => User)
  @JoinTable({ name: 'room_members', joinColumn: { name: 'roomId' }, inverseJoinColumn: { name: 'userId' } })
  participants: Relation<User[]>;
}
