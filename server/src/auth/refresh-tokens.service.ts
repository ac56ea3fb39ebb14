import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ErrorCode } from '@minimeet/shared';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { RefreshToken } from './refresh-token.entity.js';

export interface IssuedRefreshToken {
  token: string;
  expiresAt: Date;
}

/** What a valid refresh token was issued to; the caller checks the user and version. */
export interface SpentRefreshToken {
  userId: number;
  familyId: string;
  tokenVersion: number;
}

const INVALID = 'Invalid or expired refresh token';

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Opaque, single-use refresh tokens (256 random bits, stored hashed). Not JWTs, so an access
 * token can never pass as one, nor the reverse.
 */
@Injectable()
export class RefreshTokensService {
  private readonly log: Logger;

  constructor(
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'refresh-tokens' });
  }

  /** A new token; `familyId` continues a rotation chain, none starts one (a sign-in). */
  async issue(userId: number, tokenVersion: number, familyId?: string): Promise<IssuedRefreshToken> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.refreshTokenTtlSeconds * 1000);
    // Housekeeping: the user's dead tokens go whenever a new one is issued.
    await this.tokens.delete({ userId, expiresAt: LessThan(now) });
    await this.tokens.insert({
      userId,
      tokenHash: hashToken(token),
      familyId: familyId ?? randomBytes(16).toString('hex'),
      tokenVersion,
      expiresAt,
      usedAt: null,
      createdAt: now,
    });
    return { token, expiresAt };
  }

  /**
   * Marks the token used and says whom it was for; UNAUTHORIZED if unknown, expired or already
   * used. A replay of a used token revokes its whole family: either the thief or the owner
   * holds the newer token, and we cannot tell which.
   */
  async spend(token: string): Promise<SpentRefreshToken> {
    const row = await this.tokens.findOneBy({ tokenHash: hashToken(token) });
    if (!row) throw new AppError(ErrorCode.UNAUTHORIZED, INVALID);
    if (row.usedAt) {
      await this.tokens.delete({ familyId: row.familyId });
      this.log.warn({ userId: row.userId }, 'refresh token reused: its rotation family is revoked');
      throw new AppError(ErrorCode.UNAUTHORIZED, 'Refresh token already used; sign in again');
    }
    if (row.expiresAt.getTime() <= Date.now()) throw new AppError(ErrorCode.UNAUTHORIZED, INVALID);
    // Two refreshes racing with one token: the conditional update lets exactly one through.
    const result = await this.tokens.update({ id: row.id, usedAt: IsNull() }, { usedAt: new Date() });
    if (result.affected !== 1)
      throw new AppError(ErrorCode.UNAUTHORIZED, 'Refresh token already used; sign in again');
    return { userId: row.userId, familyId: row.familyId, tokenVersion: row.tokenVersion };
  }

  async revokeAll(userId: number): Promise<void> {
    await this.tokens.delete({ userId });
  }
}
