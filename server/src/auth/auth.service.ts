import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import {
  ErrorCode,
  type AuthResponse,
  type ExternalAuthResponse,
  type RoomScope,
  type UserDto,
} from '@minimeet/shared';
import { ApiKeyStore } from '../api-keys/api-key-store.js';
import { AppError } from '../common/app-error.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import type { User } from '../users/user.entity.js';
import { toUserDto, UsersService } from '../users/users.service.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password-hasher.js';
import { RefreshTokensService } from './refresh-tokens.service.js';

/** Claims of an access token. `typ` keeps any other JWT we might sign from passing as one. */
interface AccessClaims {
  sub: number;
  username: string;
  /** The user's tokenVersion at issue. */
  ver: number;
  typ: typeof ACCESS_TYP;
  exp?: number;
  /** Only in tokens from POST /api/auth/external: the one room and the grants (see RoomScope). */
  scp?: ScopeClaim;
}

interface ScopeClaim {
  room: number;
  /** Absent for a guest (no API key minted it). */
  key?: string;
  pub: boolean;
  sub: boolean;
  mod: boolean;
}

function scopeOf(claim: unknown): RoomScope | null {
  if (typeof claim !== 'object' || claim === null) return null;
  const c = claim as Partial<ScopeClaim>;
  if (!Number.isSafeInteger(c.room) || (c.key !== undefined && typeof c.key !== 'string')) return null;
  return {
    roomId: c.room!,
    ...(c.key !== undefined ? { apiKeyId: c.key } : {}),
    grants: { publish: c.pub === true, subscribe: c.sub === true, moderate: c.mod === true },
  };
}

const ACCESS_TYP = 'access';
const BAD_CREDENTIALS = 'Invalid username or password';
const INVALID_TOKEN = 'Invalid or expired access token';

/** A verified access token: whose it is (as the database says now) and when it stops working. */
export interface VerifiedAccess {
  user: UserDto;
  /** ms since epoch */
  expiresAt: number;
  /** The user's token version the token carries (equal to the database's when verified). */
  tokenVersion: number;
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(RefreshTokensService) private readonly refreshTokens: RefreshTokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ApiKeyStore) private readonly apiKeys: ApiKeyStore,
  ) {}

  async register(username: string, password: string): Promise<AuthResponse> {
    if (this.users.isReserved(username)) {
      throw new AppError(
        ErrorCode.FORBIDDEN,
        'This username is reserved for an administrator (the operator creates it with `npm run admin -- create`)',
      );
    }
    if (await this.users.findByUsername(username)) throw usernameTaken();
    const hash = await hashPassword(password);
    try {
      return await this.issue(await this.users.create(username, hash));
    } catch (err) {
      // Two registrations of one name at once: the unique index lets exactly one through.
      if (isUniqueViolation(err)) throw usernameTaken();
      throw err;
    }
  }

  /** Same error and similar timing for an unknown user and a wrong password. */
  async login(username: string, password: string): Promise<AuthResponse> {
    return this.issue(await this.checkPassword(await this.users.findByUsername(username), password));
  }

  /** Trades a refresh token for a new pair in the same rotation family. */
  async refresh(refreshToken: string): Promise<AuthResponse> {
    const spent = await this.refreshTokens.spend(refreshToken);
    const user = await this.users.findById(spent.userId);
    if (!user || user.tokenVersion !== spent.tokenVersion) {
      throw new AppError(ErrorCode.UNAUTHORIZED, 'Session was revoked; sign in again');
    }
    return this.issue(user, spent.familyId);
  }

  /** Resolves a bearer token to its user, or throws UNAUTHORIZED. */
  async authenticate(token: string | undefined): Promise<UserDto> {
    return (await this.verifyAccess(token)).user;
  }

  /**
   * Checks signature, expiry, type and version. The user is re-read so a removed account, a
   * revoked token or a role change takes effect on the next request.
   */
  async verifyAccess(token: string | undefined): Promise<VerifiedAccess> {
    if (!token) throw new AppError(ErrorCode.UNAUTHORIZED, 'Missing access token');
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token, { algorithms: ['HS256'] });
    } catch {
      throw new AppError(ErrorCode.UNAUTHORIZED, INVALID_TOKEN);
    }
    const valid =
      claims.typ === ACCESS_TYP &&
      Number.isSafeInteger(claims.sub) &&
      Number.isSafeInteger(claims.ver) &&
      typeof claims.exp === 'number';
    const scope = claims.scp === undefined ? undefined : scopeOf(claims.scp);
    const user = valid && scope !== null ? await this.users.findById(claims.sub) : null;
    if (!user || user.tokenVersion !== claims.ver) throw new AppError(ErrorCode.UNAUTHORIZED, INVALID_TOKEN);
    // A revoked key's tokens stop at once: one primary-key lookup per request of an app's user.
    if (scope?.apiKeyId && (await this.apiKeys.revokedAmong([scope.apiKeyId])).size)
      throw new AppError(ErrorCode.UNAUTHORIZED, 'The API key that minted this session was revoked');
    const dto = scope ? { ...toUserDto(user), roomScope: scope } : toUserDto(user);
    return { user: dto, expiresAt: claims.exp! * 1000, tokenVersion: user.tokenVersion };
  }

  /**
   * An access token limited to one room with grants, for a user an app's token named. It
   * expires with the app's token (at most 24 h); there is no refresh token: the app mints anew.
   */
  async issueScoped(user: User, scope: RoomScope, expSeconds: number): Promise<ExternalAuthResponse> {
    const claims: AccessClaims = {
      sub: user.id,
      username: user.username,
      ver: user.tokenVersion,
      typ: ACCESS_TYP,
      exp: expSeconds,
      scp: {
        room: scope.roomId,
        ...(scope.apiKeyId !== undefined ? { key: scope.apiKeyId } : {}),
        pub: scope.grants.publish,
        sub: scope.grants.subscribe,
        mod: scope.grants.moderate,
      },
    };
    const accessToken = await this.jwt.signAsync(claims, { algorithm: 'HS256' });
    return {
      accessToken,
      accessTokenExpiresAt: new Date(expSeconds * 1000).toISOString(),
      user: { ...toUserDto(user), roomScope: scope },
    };
  }

  /** False once the user's tokens of this version were revoked (or the account removed). */
  async isCurrentVersion(userId: number, tokenVersion: number): Promise<boolean> {
    const user = await this.users.findById(userId);
    return user?.tokenVersion === tokenVersion;
  }

  /** Ends every session of the user: all access and refresh tokens stop working. */
  async revokeAll(userId: number): Promise<void> {
    await this.users.bumpTokenVersion(userId);
    await this.refreshTokens.revokeAll(userId);
  }

  /** New password; every existing token is revoked and the caller gets a fresh pair. */
  async changePassword(userId: number, currentPassword: string, newPassword: string): Promise<AuthResponse> {
    const user = await this.confirmPassword(userId, currentPassword);
    await this.users.setPasswordHash(user.id, await hashPassword(newPassword));
    await this.revokeAll(user.id);
    return this.issue((await this.users.findById(user.id))!);
  }

  /** Removes the account after checking its password (see UsersService.markRemoved). */
  async removeAccount(userId: number, password: string): Promise<void> {
    const user = await this.confirmPassword(userId, password);
    await this.users.markRemoved(user.id);
    await this.refreshTokens.revokeAll(user.id);
  }

  /** For a signed-in user re-entering their password: a wrong one is FORBIDDEN, not 401 (the session is fine). */
  private async confirmPassword(userId: number, password: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user) throw new AppError(ErrorCode.UNAUTHORIZED, INVALID_TOKEN);
    if (!(await verifyPassword(password, user.passwordHash))) {
      throw new AppError(ErrorCode.FORBIDDEN, 'Current password is wrong');
    }
    return user;
  }

  private async checkPassword(user: User | null, password: string): Promise<User> {
    if (!user) {
      await burnPasswordCheck(password);
      throw new AppError(ErrorCode.UNAUTHORIZED, BAD_CREDENTIALS);
    }
    if (!(await verifyPassword(password, user.passwordHash)))
      throw new AppError(ErrorCode.UNAUTHORIZED, BAD_CREDENTIALS);
    return user;
  }

  private async issue(user: User, familyId?: string): Promise<AuthResponse> {
    const claims: AccessClaims = {
      sub: user.id,
      username: user.username,
      ver: user.tokenVersion,
      typ: ACCESS_TYP,
    };
    const ttl = this.config.accessTokenTtlSeconds;
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: ttl, algorithm: 'HS256' });
    // The token's own exp (whole seconds) is what counts; report exactly that.
    const { exp } = this.jwt.decode<{ exp: number }>(accessToken);
    const refresh = await this.refreshTokens.issue(user.id, user.tokenVersion, familyId);
    return {
      accessToken,
      accessTokenExpiresAt: new Date(exp * 1000).toISOString(),
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt.toISOString(),
      user: toUserDto(user),
    };
  }
}

function usernameTaken() {
  return new AppError(ErrorCode.CONFLICT, 'Username is already taken');
}
