import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One issued refresh token. Only its SHA-256 is stored; the token itself is shown once. */
@Entity({ name: 'refresh_tokens' })
export class RefreshToken {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  userId: number;

  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  /** Every token rotated from one sign-in shares it: reusing a spent token revokes the family. */
  @Column({ type: 'varchar', length: 32 })
  familyId: string;

  /** The user's tokenVersion when issued: a bump since makes it worthless. */
  @Column({ type: 'int' })
  tokenVersion: number;

  @Column({ type: 'datetime' })
  expiresAt: Date;

  /** Set when traded for a new pair; a second presentation is a replay. */
  @Column({ type: 'datetime', nullable: true })
  usedAt: Date | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
