import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type GuestAuthRequest, type GuestAuthResponse, type RoomScope, type UserDto } from '@minimeet/shared';
import { AuthService } from '../auth/auth.service.js';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import { GUEST_LOGIN_LIMITER, type GuestLoginLimiter } from './guest-login-limiter.js';
import { inviteTokenMatches } from '../rooms/invite-token.js';
import { roomNotFound, RoomsService } from '../rooms/rooms.service.js';
import { UsersService } from '../users/users.service.js';

/** What every guest may do in its room: publish and receive (a webinar still makes it an attendee), never moderate. */
const GUEST_GRANTS = { publish: true, subscribe: true, moderate: false } as const;

/**
 * Guests by link: a person without an account gets a short-lived session limited to one room
 * (the API keys' room scope, without a key), renewable only while present in that room's call.
 */
@Injectable()
export class GuestAuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(GUEST_LOGIN_LIMITER) private readonly limiter: GuestLoginLimiter,
  ) {}

  /** POST /api/auth/guest. A private room without its current invite is answered like a missing one. */
  async join(body: GuestAuthRequest, ip: string): Promise<GuestAuthResponse> {
    // Counted before any lookup, so probing rooms costs logins too.
    const decision = await this.limiter.consume(ip);
    if (!decision.allowed)
      throw new AppError(ErrorCode.RATE_LIMITED, 'Too many guest logins from this address, try again later', {
        retryAfterMs: decision.retryAfterMs,
      });
    const room = await this.rooms.find(body.roomId);
    if (!room) throw roomNotFound();
    if (room.visibility === 'private' && !inviteTokenMatches(room.inviteToken, body.inviteToken)) throw roomNotFound();
    if (!room.allowGuests) throw new AppError(ErrorCode.FORBIDDEN, 'This room does not allow guests; sign in to join');
    if (room.locked) throw new AppError(ErrorCode.ROOM_LOCKED, 'This room is locked');
    const guest = await this.users.createGuest(body.displayName);
    return this.issue(guest.id, room.id);
  }

  /** POST /api/auth/guest/renew: a new token for the same room, only while the guest is in its call. */
  async renew(user: UserDto): Promise<GuestAuthResponse> {
    const roomId = user.roomScope?.roomId;
    if (user.role !== 'guest' || roomId === undefined)
      throw new AppError(ErrorCode.FORBIDDEN, 'Only a guest session is renewed here');
    const present = (await this.presence.participants(roomId)).some((p) => p.userId === user.id);
    if (!present) throw new AppError(ErrorCode.NOT_IN_ROOM, 'A guest session is renewed only while in the call; join again by link');
    return this.issue(user.id, roomId);
  }

  private async issue(userId: number, roomId: number): Promise<GuestAuthResponse> {
    const user = await this.users.findById(userId);
    if (!user) throw new AppError(ErrorCode.UNAUTHORIZED, 'Guest session ended');
    const scope: RoomScope = { roomId, grants: { ...GUEST_GRANTS } };
    const exp = Math.floor((Date.now() + this.config.guestTokenTtlMs) / 1000);
    return this.auth.issueScoped(user, scope, exp);
  }
}
