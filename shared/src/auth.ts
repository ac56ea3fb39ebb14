import { IsString, Length, Matches } from 'class-validator';

export type Role = 'user' | 'admin';

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export interface UserDto {
  id: number;
  username: string;
  role: Role;
}

/** POST /api/auth/register and /api/auth/login → this. */
export interface AuthResponse {
  accessToken: string;
  user: UserDto;
}

/** POST /api/auth/register */
export class RegisterRequest {
  @IsString()
  @Length(USERNAME_MIN, USERNAME_MAX)
  @Matches(USERNAME_PATTERN, { message: 'username may contain only letters, digits, "_", "." and "-"' })
  username!: string;

  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password!: string;
}

/** POST /api/auth/login: only shape limits, so a wrong password never leaks the rules. */
export class LoginRequest {
  @IsString()
  @Length(1, USERNAME_MAX)
  username!: string;

  @IsString()
  @Length(1, PASSWORD_MAX)
  password!: string;
}

/** Socket.IO handshake: `io(url, { auth: { token } })`. */
export interface SocketAuth {
  token: string;
}
