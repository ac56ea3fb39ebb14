import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ErrorCode, type AuthResponse, type UserDto } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { toUserDto, UsersService } from '../users/users.service.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password-hasher.js';

interface TokenClaims {
  sub: number;
  username: string;
}

const BAD_CREDENTIALS = 'Invalid username or password';

@Injectable()
export class AuthService {
  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(JwtService) private readonly jwt: JwtService,
  ) {}

  async register(username: string, password: string): Promise<AuthResponse> {
    if (await this.users.findByUsername(username)) throw usernameTaken();
    const hash = await hashPassword(password);
    try {
      const user = await this.users.create(username, hash);
      return this.issue(toUserDto(user));
    } catch (err) {
      // Two registrations of one name at once: the unique index lets exactly one through.
      if (isUniqueViolation(err)) throw usernameTaken();
      throw err;
    }
  }

  /** Same error and similar timing for an unknown user and a wrong password. */
  async login(username: string, password: string): Promise<AuthResponse> {
    const user = await this.users.findByUsername(username);
    if (!user) {
      await burnPasswordCheck(password);
      throw new AppError(ErrorCode.UNAUTHORIZED, BAD_CREDENTIALS);
    }
    if (!(await verifyPassword(password, user.passwordHash)))
      throw new AppError(ErrorCode.UNAUTHORIZED, BAD_CREDENTIALS);
    return this.issue(toUserDto(await this.users.syncRole(user)));
  }

  /**
   * Resolves a bearer token to its user, or throws UNAUTHORIZED. The user is re-read so a
   * deleted account or a changed admin list takes effect without waiting for expiry.
   */
  async authenticate(token: string | undefined): Promise<UserDto> {
    if (!token) throw new AppError(ErrorCode.UNAUTHORIZED, 'Missing access token');
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw new AppError(ErrorCode.UNAUTHORIZED, 'Invalid or expired access token');
    }
    const user = typeof claims.sub === 'number' ? await this.users.findById(claims.sub) : null;
    if (!user) throw new AppError(ErrorCode.UNAUTHORIZED, 'Invalid or expired access token');
    return { ...toUserDto(user), role: this.users.roleFor(user.username) };
  }

  private async issue(user: UserDto): Promise<AuthResponse> {
    const claims: TokenClaims = { sub: user.id, username: user.username };
    return { accessToken: await this.jwt.signAsync(claims), user };
  }
}

function usernameTaken() {
  return new AppError(ErrorCode.CONFLICT, 'Username is already taken');
}
