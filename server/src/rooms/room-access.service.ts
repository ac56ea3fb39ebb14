import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type UserDto } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import { inviteTokenMatches } from './invite-token.js';
import { RoomBansService } from './room-bans.service.js';
import type { Room } from './room.entity.js';
import { isModerator, isScopedTo, roomNotFound, RoomsService } from './rooms.service.js';

/**
 * How a join was allowed: `member` joins record membership (history access that outlives the
 * call); `adminOnly` (an admin in a private room that neither membership nor the invite token
 * would open) does not, so the access ends with the admin role.
 */
export type JoinGrant = 'member' | 'adminOnly';

/**
 * Who may see and who may join a room.
 *
 * Seeing comes first on every REST route and socket event that names a room: a room the caller
 * may not see answers exactly like a missing one (`roomNotFound`), before any check (membership,
 * role, ban, lock) whose answer would tell the two apart. A room is visible when it is public, or
 * the caller owns it, is an admin, is a member, or presents its current invite token. A removed
 * user's membership ends with the removal, so a private room they were removed from is missing
 * to them again (unless they hold its current invite, which shows it exists anyway: then they
 * are told REMOVED_FROM_ROOM); a public room stays visible and answers REMOVED_FROM_ROOM.
 *
 * Joining a visible room, in order: owners and admins always; a removed user never (until let
 * back); a user already present (another tab, or reconnecting within the grace period) always;
 * nobody else while the room is locked.
 */
@Injectable()
export class RoomAccessService {
  constructor(
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(RoomBansService) private readonly bans: RoomBansService,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
  ) {}

  /**
   * The room if the caller may see it, else the NOT_FOUND a missing room gets. The caller
   * passes the user with the role the database holds now.
   */
  async requireVisible(roomId: number, user: UserDto, inviteToken?: string): Promise<Room> {
    // A room token (guest, app user) sees its one room only: any other is missing to it.
    if (user.roomScope && user.roomScope.roomId !== roomId) throw roomNotFound();
    const room = await this.rooms.find(roomId);
    if (room && this.visibleWithoutMembership(room, user, inviteToken)) return room;
    // Membership is looked up for a missing room too: a private room and a missing one then
    // cost the same two queries, in the same order, and take about as long to refuse.
    const member = await this.rooms.isMember(roomId, user.id);
    if (room && member) return room;
    throw roomNotFound();
  }

  /** The visible room if the caller moderates it (owner or admin), else FORBIDDEN. */
  async requireModerator(roomId: number, user: UserDto): Promise<Room> {
    const room = await this.requireVisible(roomId, user);
    if (!isModerator(room, user)) {
      throw new AppError(ErrorCode.FORBIDDEN, 'Only the room owner or an admin can do this');
    }
    return room;
  }

  /**
   * The visible room if the caller may read its history: members, and admins (with the role
   * re-read: an admin's joins of private rooms record no membership, so that access ends with
   * the role). A visible room never joined is NOT_IN_ROOM.
   */
  async requireReader(roomId: number, user: UserDto): Promise<Room> {
    const room = await this.requireVisible(roomId, user);
    if (user.role !== 'admin' && !(await this.rooms.isMember(roomId, user.id))) {
      throw new AppError(ErrorCode.NOT_IN_ROOM, `Join room ${roomId} first`);
    }
    return room;
  }

  /** Whether a join of a room the caller sees (requireVisible) is let in, and how. */
  async assertMayJoin(room: Room, user: UserDto, inviteToken: string | undefined): Promise<JoinGrant> {
    if (room.ownerId === user.id) return 'member';
    if (isModerator(room, user))
      return (await this.opensToMember(room, user, inviteToken)) ? 'member' : 'adminOnly';
    if (await this.bans.isBanned(room.id, user.id)) {
      throw new AppError(ErrorCode.REMOVED_FROM_ROOM, 'You were removed from this room');
    }
    const present = await this.presence.participants(room.id);
    if (present.some((p) => p.userId === user.id)) return 'member';
    if (room.locked) throw new AppError(ErrorCode.ROOM_LOCKED, 'This room is locked');
    return 'member';
  }

  private visibleWithoutMembership(room: Room, user: UserDto, inviteToken: string | undefined): boolean {
    return (
      room.visibility !== 'private' ||
      isModerator(room, user) ||
      isScopedTo(room, user) ||
      inviteTokenMatches(room.inviteToken, inviteToken)
    );
  }

  /** A public room, or a private one the user is a member of or holds the current invite token for. */
  private async opensToMember(room: Room, user: UserDto, inviteToken: string | undefined): Promise<boolean> {
    if (room.visibility !== 'private' || isScopedTo(room, user)) return true;
    // The token is checked first so a right one costs no membership query.
    if (inviteTokenMatches(room.inviteToken, inviteToken)) return true;
    return this.rooms.isMember(room.id, user.id);
  }
}
