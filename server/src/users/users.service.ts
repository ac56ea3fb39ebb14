import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Role, UserDto } from '@minimeet/shared';
import { In, IsNull, Not, type Repository } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { User } from './user.entity.js';

export function usernameKey(username: string): string {
  return username.toLowerCase();
}

/**
 * The unique key of an app's user (`<keyid>:<sub>` hashed to fit the column): '#' is not a
 * username character, so it never collides with a registered name and cannot sign in.
 */
export function externalUserKey(apiKeyId: string, subject: string): string {
  return `#x:${createHash('sha256').update(`${apiKeyId}:${subject}`).digest('base64url').slice(0, 29)}`;
}

export function toUserDto(user: User): UserDto {
  return { id: user.id, username: user.username, role: user.role };
}

/** Shown as the sender of a removed account's messages. Has a space, so no one can register it. */
export const REMOVED_USER_NAME = 'removed user';

/** A removed account's unique key: '#' is not a username character, so it never collides. */
export function removedUserKey(id: number): string {
  return `#removed:${id}`;
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly log: Logger;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'users' });
  }

  /**
   * ADMIN_USERNAMES promotes accounts that already exist, once at start. It never creates one
   * and never demotes: the `role` column is the authority (`npm run admin` changes it).
   */
  async onApplicationBootstrap(): Promise<void> {
    const keys = this.config.adminUsernames;
    if (!keys.length) return;
    const pending = await this.users.findBy({ usernameKey: In(keys), role: Not('admin') });
    if (!pending.length) return;
    await this.users.update({ id: In(pending.map((u) => u.id)) }, { role: 'admin' });
    this.log.info(
      { usernames: pending.map((u) => u.username) },
      'ADMIN_USERNAMES: promoted existing accounts to admin',
    );
  }

  /** Names in ADMIN_USERNAMES cannot be registered: an operator creates them (`npm run admin -- create`). */
  isReserved(username: string): boolean {
    return this.config.adminUsernames.includes(usernameKey(username));
  }

  /** A live (not removed) account. */
  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id, deletedAt: IsNull() });
  }

  findByUsername(username: string): Promise<User | null> {
    return this.users.findOneBy({ usernameKey: usernameKey(username), deletedAt: IsNull() });
  }

  /** Ids of the live admin accounts (few: one small query however many users are connected). */
  async adminIds(): Promise<Set<number>> {
    const rows = await this.users.find({
      select: { id: true },
      where: { role: 'admin', deletedAt: IsNull() },
    });
    return new Set(rows.map((u) => u.id));
  }

  /** Removed accounts included: their messages still need a sender name. */
  async findByIds(ids: number[]): Promise<Map<number, User>> {
    if (!ids.length) return new Map();
    const rows = await this.users.findBy({ id: In([...new Set(ids)]) });
    return new Map(rows.map((u) => [u.id, u]));
  }

  /** Inserts a plain user; the unique index on usernameKey decides races (caller maps the error). */
  create(username: string, passwordHash: string): Promise<User> {
    return this.users.save(
      this.users.create({
        username,
        usernameKey: usernameKey(username),
        passwordHash,
        role: 'user' satisfies Role,
        tokenVersion: 0,
        createdAt: new Date(),
        deletedAt: null,
      }),
    );
  }

  /**
   * The user an app's token names, created on first use (no usable password) or reused, its
   * display name updated to the token's. Two first uses at once: the unique key lets one insert.
   */
  async findOrCreateExternal(apiKeyId: string, subject: string, displayName: string): Promise<User> {
    const key = externalUserKey(apiKeyId, subject);
    const existing = await this.users.findOneBy({ usernameKey: key, deletedAt: IsNull() });
    if (existing) {
      if (existing.username !== displayName) await this.users.update({ id: existing.id }, { username: displayName });
      return { ...existing, username: displayName };
    }
    try {
      return await this.users.save(
        this.users.create({
          username: displayName,
          usernameKey: key,
          passwordHash: '!',
          role: 'user' satisfies Role,
          tokenVersion: 0,
          createdAt: new Date(),
          deletedAt: null,
        }),
      );
    } catch (err) {
      const raced = await this.users.findOneBy({ usernameKey: key, deletedAt: IsNull() });
      if (raced) return raced;
      throw err;
    }
  }

  /**
   * A guest's own row: the display name is only its name, the key is random and outside the
   * username pattern, so a guest never is (nor blocks) a registered account.
   */
  createGuest(displayName: string): Promise<User> {
    return this.users.save(
      this.users.create({
        username: displayName,
        usernameKey: `#g:${randomBytes(18).toString('base64url')}`,
        passwordHash: '!',
        role: 'guest' satisfies Role,
        tokenVersion: 0,
        createdAt: new Date(),
        deletedAt: null,
      }),
    );
  }

  /** Revokes every token of the user; returns the new version. */
  async bumpTokenVersion(id: number): Promise<number> {
    await this.users.increment({ id }, 'tokenVersion', 1);
    const user = await this.users.findOneByOrFail({ id });
    return user.tokenVersion;
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.users.update({ id }, { passwordHash });
  }

  /**
   * Account removal keeps the row so foreign keys (messages, calls) stay whole: the name is
   * freed and replaced, the password made unusable, admin rights dropped, tokens revoked.
   */
  async markRemoved(id: number): Promise<void> {
    await this.users.update(
      { id },
      {
        username: REMOVED_USER_NAME,
        usernameKey: removedUserKey(id),
        passwordHash: '!',
        role: 'user',
        deletedAt: new Date(),
      },
    );
    await this.users.increment({ id }, 'tokenVersion', 1);
  }
}
