import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type UserDto } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import { inviteTokenMatches } from './invite-token.js';
import { RoomBansService } from './room-bans.service.js';
import type { Room } from './room.entity.js';
import { isModerator, RoomsService } from './rooms.service.js';

/**
 * Who may join a room. In order: owners and admins always; a removed user never (until let
 * back); a user already present (another tab, or reconnecting within the grace period) always;
 * a private room needs membership or its current invite token; and nobody else gets in while
 * the room is locked.
 */
@Injectable()
export class RoomAccessService {
  constructor(
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(RoomBansService) private readonly bans: RoomBansService,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
  ) {}

  async assertMayJoin(room: Room, user: UserDto, inviteToken: string | undefined): Promise<void> {
    if (isModerator(room, user)) return;
    if (await this.bans.isBanned(room.id, user.id)) {
      throw new AppError(ErrorCode.REMOVED_FROM_ROOM, 'You were removed from this room');
    }
    const present = await this.presence.participants(room.id);
    if (present.some((p) => p.userId === user.id)) return;
    // A private room's lock is told only to those it would otherwise admit.
    if (room.visibility === 'private' && !(await this.mayEnterPrivate(room, user, inviteToken))) {
      throw new AppError(ErrorCode.INVITE_REQUIRED, 'This room is private: ask for an invite link');
    }
    if (room.locked) throw new AppError(ErrorCode.ROOM_LOCKED, 'This room is locked');
  }

  private async mayEnterPrivate(
    room: Room,
    user: UserDto,
    inviteToken: string | undefined,
  ): Promise<boolean> {
    // The token is checked first so a wrong one costs no membership query.
    return inviteTokenMatches(room.inviteToken, inviteToken) || (await this.rooms.isMember(room.id, user.id));
  }
}
