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

  /** Mirrors ADMIN_USERNAMES as of the user's last sign-in (the env list is the authority). */
  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
