import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An app's credential: it signs join tokens (HS256) and calls /api/v1 with the secret. */
@Entity({ name: 'api_keys' })
export class ApiKey {
  /** Public key id, `mk_` + 16 hex characters: the JWT header `kid` and the Basic auth user. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The secret, AES-256-GCM encrypted with a key derived from the JWT secret (see secret-cipher.ts). */
  @Column({ type: 'varchar', length: 255 })
  secretCiphertext: string;

  @Column({ type: 'datetime' })
  createdAt: Date;

  /** Set by `npm run admin -- apikey revoke`: tokens minted with the key stop working at once. */
  @Column({ type: 'datetime', nullable: true })
  revokedAt: Date | null;
}
