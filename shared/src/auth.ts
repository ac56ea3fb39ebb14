import { IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import { Trim } from './transforms.js';

/** 'guest': someone without an account who joined one room by link (POST /api/auth/guest). */
export type Role = 'user' | 'admin' | 'guest';

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export interface UserDto {
  id: number;
  username: string;
  role: Role;
  /**
   * Set for a user signed in with a token minted by an API key (POST /api/auth/external): the
   * session is limited to this one room with these grants.
   */
  roomScope?: RoomScope;
}

/** What a token minted by an external app allows in its room (claim `grants`). */
export interface RoomGrants {
  /** May send media (else joins as a receive-only attendee). Default true. */
  publish: boolean;
  /** May receive media. Default true. */
  subscribe: boolean;
  /** Host powers in the room (mute, remove, end call…). Default false. */
  moderate: boolean;
}

export interface RoomScope {
  roomId: number;
  /** The API key that minted the token: revoking it ends the session. Absent for a guest. */
  apiKeyId?: string;
  grants: RoomGrants;
}

/** POST /api/auth/external: a JWT an app signed with its API key secret (HS256, header `kid`). */
export class ExternalAuthRequest {
  @IsString()
  @Length(1, 4096)
  token!: string;
}

/** POST /api/auth/external → this. No refresh token: the app mints a new join token instead. */
export interface ExternalAuthResponse {
  accessToken: string;
  /** ISO time; equal to the minted token's `exp`. */
  accessTokenExpiresAt: string;
  user: UserDto;
}

/** `details.reason` of a 401 from POST /api/auth/external. */
export const EXTERNAL_TOKEN_REFUSALS = [
  'MALFORMED',
  'UNKNOWN_KEY',
  'KEY_REVOKED',
  'BAD_SIGNATURE',
  'EXPIRED',
  'EXPIRY_TOO_FAR',
] as const;
export type ExternalTokenRefusal = (typeof EXTERNAL_TOKEN_REFUSALS)[number];

export const GUEST_NAME_MAX = 32;

/** POST /api/auth/guest: join a room that allows guests without an account. */
export class GuestAuthRequest {
  @IsInt()
  @Min(1)
  roomId!: number;

  /** Shown to others with a "guest" mark; never taken as a registered username. */
  @Trim()
  @IsString()
  @Length(1, GUEST_NAME_MAX)
  @Matches(/^[^\p{C}]+$/u, { message: 'displayName may not contain control characters' })
  displayName!: string;

  /** Required for a private room (its invite link's token). */
  @IsOptional()
  @IsString()
  @Length(1, 128)
  inviteToken?: string;
}

/**
 * POST /api/auth/guest and /api/auth/guest/renew → this: an access token for the one room
 * (user.role 'guest', user.roomScope). No refresh token: renew while present in the call.
 */
export type GuestAuthResponse = ExternalAuthResponse;

/** A minted token may live at most this long (`exp - iat`). */
export const EXTERNAL_TOKEN_MAX_LIFETIME_SECONDS = 24 * 3600;

/**
 * POST /api/auth/register, /login, /refresh and /password → this. The access token (a JWT) goes
 * in `Authorization: Bearer` and the socket handshake; it lives minutes. The refresh token is
 * opaque, single-use, and only ever sent to POST /api/auth/refresh.
 */
export interface AuthResponse {
  accessToken: string;
  /** ISO time the access token stops being accepted. */
  accessTokenExpiresAt: string;
  refreshToken: string;
  /** ISO time the refresh token stops being accepted (unless used or revoked before). */
  refreshTokenExpiresAt: string;
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

/** POST /api/auth/refresh: trades a refresh token for a new pair (the old one stops working). */
export class RefreshRequest {
  // Generous: anything that is not one of our tokens gets a plain 401, not a shape error.
  @IsString()
  @Length(1, 4096)
  refreshToken!: string;
}

/** POST /api/auth/password: every other session of the user ends; the caller gets a new pair. */
export class ChangePasswordRequest {
  @IsString()
  @Length(1, PASSWORD_MAX)
  currentPassword!: string;

  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  newPassword!: string;
}

/** DELETE /api/auth/me: removes the account (the password confirms it). */
export class DeleteAccountRequest {
  @IsString()
  @Length(1, PASSWORD_MAX)
  password!: string;
}

/** Why the server ended a socket's session (ServerEvents.sessionEnded, sent just before it disconnects). */
export type SessionEndReason = 'expired' | 'revoked' | 'accountRemoved';

/**
 * Socket `roleChanged`: the user's role changed while connected (`npm run admin -- promote|demote`).
 * A demoted socket has left `leftRoomIds` (private rooms it was in only as an admin) and gets no
 * more `admin:stats`; a promoted one may send `admin:subscribe`.
 */
export interface RoleChangedEvent {
  role: Role;
  leftRoomIds: number[];
}

/** Socket `auth:renew`: hands the live socket a fresh access token of the same user. */
export class RenewSocketAuthRequest {
  @IsString()
  @Length(1, 4096)
  accessToken!: string;
}

export interface RenewSocketAuthData {
  /** ISO time the socket's session ends unless renewed again. */
  accessTokenExpiresAt: string;
}

/** Socket.IO handshake: `io(url, { auth: { token } })`. */
export interface SocketAuth {
  token: string;
}
