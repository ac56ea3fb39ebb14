import type { Role } from '@minimeet/shared';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  /** As registered (case kept for display). */
  @Column({ type: 'varchar', length: 32 })
  username: string;

  /** Lower-cased username: the unique key, so "Alice" and "alice" are one account on every DB. */
  @Column({ type: 'varchar', length: 32 })
  usernameKey: string;

  @Column({ type: 'varchar', length: 100 })
  passwordHash: string;

  /** The authority on admin rights: set by `npm run admin` (and ADMIN_USERNAMES at start, for existing accounts). */
  @Column({ type: 'varchar', length: 16 })
  role: Role;

  /** Every token carries it; bumping it (logout-all, password change, removal) revokes them all. */
  @Column({ type: 'int', default: 0 })
  tokenVersion: number;

  @Column({ type: 'datetime' })
  createdAt: Date;

  /** Set when the account was removed: the row stays (anonymised) so others' history keeps its sender. */
  @Column({ type: 'datetime', nullable: true })
  deletedAt: Date | null;
}
