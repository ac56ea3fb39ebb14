import { randomBytes } from 'node:crypto';
import { In, IsNull, type Repository } from 'typeorm';
import type { ApiKey } from './api-key.entity.js';
import type { SecretCipher } from './secret-cipher.js';

export const API_KEY_NAME_MAX = 100;

/** A key as the admin CLI shows it right after creation: the only time the secret is shown. */
export interface CreatedApiKey {
  id: string;
  name: string;
  secret: string;
}

export class ApiKeyCommandError extends Error {}

/** The api_keys table, shared by the server and the admin CLI (no Nest here). */
export class ApiKeyStore {
  constructor(
    private readonly repo: Repository<ApiKey>,
    private readonly cipher: SecretCipher,
  ) {}

  async create(name: string): Promise<CreatedApiKey> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > API_KEY_NAME_MAX)
      throw new ApiKeyCommandError(`the key name must be 1 to ${API_KEY_NAME_MAX} characters`);
    const id = `mk_${randomBytes(8).toString('hex')}`;
    // 256 random bits: as strong as HS256 can use.
    const secret = randomBytes(32).toString('base64url');
    await this.repo.insert({
      id,
      name: trimmed,
      secretCiphertext: this.cipher.encrypt(secret),
      createdAt: new Date(),
      revokedAt: null,
    });
    return { id, name: trimmed, secret };
  }

  list(): Promise<ApiKey[]> {
    return this.repo.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** False when already revoked; throws for an unknown id. */
  async revoke(id: string): Promise<boolean> {
    const key = await this.repo.findOneBy({ id });
    if (!key) throw new ApiKeyCommandError(`no API key ${id}`);
    if (key.revokedAt) return false;
    await this.repo.update({ id }, { revokedAt: new Date() });
    return true;
  }

  /**
   * The key and its secret, or why not (unknown / revoked). A secret this server cannot decrypt
   * (JWT_SECRET changed since the key was made) makes the key unusable: 'unknown', not a crash.
   */
  async findUsable(id: string): Promise<{ key: ApiKey; secret: string } | 'unknown' | 'revoked'> {
    const key = await this.repo.findOneBy({ id });
    if (!key) return 'unknown';
    if (key.revokedAt) return 'revoked';
    try {
      return { key, secret: this.cipher.decrypt(key.secretCiphertext) };
    } catch {
      return 'unknown';
    }
  }

  /** Which of these ids are revoked (one query; unknown ids count as revoked). */
  async revokedAmong(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const live = await this.repo.find({ select: { id: true }, where: { id: In(ids), revokedAt: IsNull() } });
    const liveIds = new Set(live.map((k) => k.id));
    return new Set(ids.filter((id) => !liveIds.has(id)));
  }
}
