import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type UserDto } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import { inviteTokenMatches } from './invite-token.js';
import { RoomBansService } from './room-bans.service.js';
import type { Room } from './room.entity.js';
import { isModerator, RoomsService } from './rooms.service.js';

/**
 * How a join was allowed: `member` joins record membership (history access that outlives the
 * call); `adminOnly` (an admin in a private room that neither membership nor the invite token
 * would open) does not, so the access ends with the admin role.
 */
export type JoinGrant = 'member' | 'adminOnly';

/**
 * Who may join a room. In order: owners and admins always; a removed user never (until let
 * back); a user already present (another tab, or reconnecting within the grace period) always;
 * a private room needs membership or its current invite token; and nobody else gets in while
 * the room is locked. The caller passes the user with the role the database holds now.
 */
@Injectable()
export class RoomAccessService {
  constructor(
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(RoomBansService) private readonly bans: RoomBansService,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
  ) {}

  async assertMayJoin(room: Room, user: UserDto, inviteToken: string | undefined): Promise<JoinGrant> {
    if (room.ownerId === user.id) return 'member';
    if (isModerator(room, user))
      return (await this.opensToMember(room, user, inviteToken)) ? 'member' : 'adminOnly';
    if (await this.bans.isBanned(room.id, user.id)) {
      throw new AppError(ErrorCode.REMOVED_FROM_ROOM, 'You were removed from this room');
    }
    const present = await this.presence.participants(room.id);
    if (present.some((p) => p.userId === user.id)) return 'member';
    // A private room's lock is told only to those it would otherwise admit.
    if (!(await this.opensToMember(room, user, inviteToken))) {
      throw new AppError(ErrorCode.INVITE_REQUIRED, 'This room is private: ask for an invite link');
    }
    if (room.locked) throw new AppError(ErrorCode.ROOM_LOCKED, 'This room is locked');
    return 'member';
  }

  /** A public room, or a private one the user is a member of or holds the current invite token for. */
  private async opensToMember(room: Room, user: UserDto, inviteToken: string | undefined): Promise<boolean> {
    if (room.visibility !== 'private') return true;
    // The token is checked first so a wrong one costs no membership query.
    if (inviteTokenMatches(room.inviteToken, inviteToken)) return true;
    return this.rooms.isMember(room.id, user.id);
  }
}
