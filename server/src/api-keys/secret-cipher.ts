import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * API key secrets must be readable again (HS256 verification needs the secret itself, a hash
 * would not do), so they are stored encrypted: AES-256-GCM with a key derived (HKDF) from the
 * server's JWT secret. A database dump alone reveals no secret; rotating JWT_SECRET makes the
 * stored secrets unreadable (those keys must be created again).
 */
export class SecretCipher {
  private readonly key: Buffer;

  constructor(jwtSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', jwtSecret, 'minimeet', 'api-key-secrets v1', 32));
  }

  /** base64url(iv ‖ tag ‖ ciphertext) */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** Throws when the ciphertext was not made with this key (e.g. JWT_SECRET changed). */
  decrypt(stored: string): string {
    const raw = Buffer.from(stored, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
