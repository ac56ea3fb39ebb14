import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Role, UserDto } from '@minimeet/shared';
import { In, type Repository } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { User } from './user.entity.js';

export function usernameKey(username: string): string {
  return username.toLowerCase();
}

export function toUserDto(user: User): UserDto {
  return { id: user.id, username: user.username, role: user.role };
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Admins are exactly the users named in ADMIN_USERNAMES; nobody is promoted otherwise. */
  roleFor(username: string): Role {
    return this.config.adminUsernames.includes(usernameKey(username)) ? 'admin' : 'user';
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByUsername(username: string): Promise<User | null> {
    return this.users.findOneBy({ usernameKey: usernameKey(username) });
  }

  async findByIds(ids: number[]): Promise<Map<number, User>> {
    if (!ids.length) return new Map();
    const rows = await this.users.findBy({ id: In([...new Set(ids)]) });
    return new Map(rows.map((u) => [u.id, u]));
  }

  /** Inserts a user; the unique index on usernameKey decides races (caller maps the error). */
  create(username: string, passwordHash: string): Promise<User> {
    return this.users.save(
      this.users.create({
        username,
        usernameKey: usernameKey(username),
        passwordHash,
        role: this.roleFor(username),
        createdAt: new Date(),
      }),
    );
  }

  /** Re-applies ADMIN_USERNAMES (it may have changed since the user last signed in). */
  async syncRole(user: User): Promise<User> {
    const role = this.roleFor(user.username);
    if (role !== user.role) {
      await this.users.update({ id: user.id }, { role });
      user.role = role;
    }
    return user;
  }
}
