import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type ExternalAuthResponse, type UserDto } from '@minimeet/shared';
import { AuthService } from '../auth/auth.service.js';
import { AppError } from '../common/app-error.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { toUserDto, UsersService } from '../users/users.service.js';
import { ApiKeyStore } from './api-key-store.js';
import { verifyExternalToken } from './external-token.js';

/** The identity of the key's own app user (owner of the rooms it creates through /api/v1). */
export const APP_SUBJECT = '#app';

/** What an API key lets an app do: exchange minted join tokens, and act as the key's app user. */
@Injectable()
export class ApiKeyAppsService {
  constructor(
    @Inject(ApiKeyStore) private readonly keys: ApiKeyStore,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(RoomsService) private readonly rooms: RoomsService,
  ) {}

  /** POST /api/auth/external: a verified minted token → a room-limited MiniMeet session. */
  async exchange(token: string): Promise<ExternalAuthResponse> {
    const join = await verifyExternalToken(token, this.keys);
    if (!(await this.rooms.find(join.roomId))) throw new AppError(ErrorCode.NOT_FOUND, 'Room not found');
    const user = await this.users.findOrCreateExternal(join.apiKeyId, join.subject, join.displayName);
    return this.auth.issueScoped(
      user,
      { roomId: join.roomId, apiKeyId: join.apiKeyId, grants: join.grants },
      join.exp,
    );
  }

  /** HTTP Basic `keyid:secret` → the key's app user; 401 for anything else. */
  async authenticateBasic(header: string | undefined): Promise<UserDto> {
    const refusal = new AppError(ErrorCode.UNAUTHORIZED, 'API key required: HTTP Basic <key id>:<secret>');
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
    if (!match) throw refusal;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw refusal;
    const found = await this.keys.findUsable(decoded.slice(0, colon));
    if (typeof found === 'string') throw refusal;
    const given = Buffer.from(decoded.slice(colon + 1));
    const expected = Buffer.from(found.secret);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refusal;
    return toUserDto(await this.users.findOrCreateExternal(found.key.id, APP_SUBJECT, Array.from(found.key.name).slice(0, 32).join('')));
  }
}
