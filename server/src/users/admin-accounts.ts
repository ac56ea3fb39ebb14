import { PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN, USERNAME_PATTERN } from '@minimeet/shared';
import { IsNull, type Repository } from 'typeorm';
import { hashPassword } from '../auth/password-hasher.js';
import { User } from './user.entity.js';
import { usernameKey } from './users.service.js';

/** A refusal `npm run admin` prints as one line and exits non-zero for. */
export class AdminCommandError extends Error {
  override name = 'AdminCommandError';
}

/**
 * What `npm run admin` does to accounts, on a plain repository (no Nest app). The role column
 * is the authority on admin rights; the running servers read it on every request.
 */
export class AdminAccounts {
  constructor(private readonly users: Repository<User>) {}

  /** A new admin account (the way the first admin, or a reserved ADMIN_USERNAMES name, is made). */
  async create(username: string, password: string): Promise<User> {
    if (
      username.length < USERNAME_MIN ||
      username.length > USERNAME_MAX ||
      !USERNAME_PATTERN.test(username)
    ) {
      throw new AdminCommandError(
        `bad username "${username.slice(0, 40)}": ${USERNAME_MIN}-${USERNAME_MAX} letters, digits, "_", "." or "-"`,
      );
    }
    if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
      throw new AdminCommandError(`password must be ${PASSWORD_MIN}-${PASSWORD_MAX} characters`);
    }
    if (await this.find(username)) {
      throw new AdminCommandError(`user "${username}" already exists (use: promote ${username})`);
    }
    return this.users.save(
      this.users.create({
        username,
        usernameKey: usernameKey(username),
        passwordHash: await hashPassword(password),
        role: 'admin',
        tokenVersion: 0,
        createdAt: new Date(),
        deletedAt: null,
      }),
    );
  }

  /** Returns false when the user already had the role. */
  async setRole(username: string, role: User['role']): Promise<boolean> {
    const user = await this.find(username);
    if (!user) throw new AdminCommandError(`no user "${username.slice(0, 40)}"`);
    if (user.role === role) return false;
    await this.users.update({ id: user.id }, { role });
    return true;
  }

  listAdmins(): Promise<User[]> {
    return this.users.find({ where: { role: 'admin', deletedAt: IsNull() }, order: { id: 'ASC' } });
  }

  private find(username: string): Promise<User | null> {
    return this.users.findOneBy({ usernameKey: usernameKey(username), deletedAt: IsNull() });
  }
}
