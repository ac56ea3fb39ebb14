import { ErrorCode, type ParticipantRole, type UserDto } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import type { AddSocketOutcome, PresenceStore } from '../presence/presence-store.js';
import type { JoinGrant, RoomAccessService } from '../rooms/room-access.service.js';
import type { RoomBansService } from '../rooms/room-bans.service.js';
import { participantOf } from '../presence/participant-of.js';
import { isModerator, isScopedTo, type RoomsService } from '../rooms/rooms.service.js';
import type { Room } from '../rooms/room.entity.js';
import type { DrainState } from './drain-state.js';
import type { PresenceGraceTimers } from './presence-grace-timers.js';
import type { JoinGate } from './room-lifecycle.js';
import type { RoomJoinLimiter } from './room-join-limiter.js';
import type { AppSocket } from './socket-types.js';

export interface JoinAdmissionDeps {
  presence: PresenceStore;
  rooms: RoomsService;
  access: RoomAccessService;
  bans: RoomBansService;
  drain: DrainState;
  joinLimiter: RoomJoinLimiter;
  graceTimers: PresenceGraceTimers;
  /** Held at the door after the access checks (the lobby); see RoomLifecycleHub.gates. */
  gates: ReadonlySet<JoinGate>;
  /** Attendees a webinar admits beside its stage (WEBINAR_MAX_ATTENDEES). */
  webinarMaxAttendees: number;
}

export interface Admission {
  grant: JoinGrant;
  /** `userAdded`: the user was not present before. */
  outcome: Extract<AddSocketOutcome, { admitted: true }>;
  /** The user's role in the call (a user already present keeps theirs). */
  role: ParticipantRole;
}

/**
 * Whether a socket not yet in a visible room is let in, and recording it when it is: drain, join
 * rate, access (ban, lock, invite), the join gates (lobby), capacity in shared presence, then membership with a ban
 * re-check. A refusal after the socket was added to presence takes it out again. Runs inside the
 * room's serial queue.
 */
export class JoinAdmission {
  constructor(private readonly d: JoinAdmissionDeps) {}

  async admit(socket: AppSocket, room: Room, user: UserDto, inviteToken?: string): Promise<Admission> {
    const { presence, rooms, access, drain, joinLimiter, graceTimers } = this.d;
    if (drain.draining) throw drain.refusal('join the room');
    joinLimiter.take(room.id, user.id);
    // A guest's token outlives the setting for minutes: turning guests off stops new guest joins at once.
    if (user.role === 'guest' && !room.allowGuests)
      throw new AppError(ErrorCode.FORBIDDEN, 'This room does not allow guests');
    const grant = await access.assertMayJoin(room, user, inviteToken);
    for (const gate of this.d.gates) await gate.check({ socket, user, room });
    const role = joinRole(room, user);
    const webinar = room.kind === 'webinar';
    const outcome = await presence.addSocket(
      room.id,
      participantOf(user, role),
      socket.id,
      // A receive-only app user is an attendee in a meeting too, bounded like a webinar's audience.
      { stage: room.maxParticipants, audience: webinar || role === 'attendee' ? this.d.webinarMaxAttendees : 0 },
    );
    if (!outcome.admitted)
      throw new AppError(
        ErrorCode.ROOM_FULL,
        webinar && role === 'attendee'
          ? `Webinar ${room.id} is full (${this.d.webinarMaxAttendees} attendees)`
          : `Room ${room.id} is full (${room.maxParticipants} participants)`,
      );
    graceTimers.clear(room.id, user.id);
    const current = outcome.userAdded ? role : ((await presence.roleOf(room.id, user.id)) ?? role);
    try {
      if (grant === 'member') await rooms.addMember(room.id, user.id);
      await this.assertNotBannedSince(room, user);
    } catch (err) {
      await presence.removeSocket(room.id, user.id, socket.id);
      await presence.removeUserIfIdle(room.id, user.id);
      throw err;
    }
    return { grant, outcome, role: current };
  }

  /**
   * A ban recorded after the access check (on any process) must not leave the user a member:
   * removeUser writes the ban before ending membership, so a ban this re-check misses is
   * followed by a removeMember that undoes this join's addMember.
   */
  private async assertNotBannedSince(room: Room, user: UserDto): Promise<void> {
    const { rooms, bans } = this.d;
    if (isModerator(room, user) || !(await bans.isBanned(room.id, user.id))) return;
    await rooms.removeMember(room.id, user.id);
    throw new AppError(ErrorCode.REMOVED_FROM_ROOM, 'You were removed from this room');
  }
}

/**
 * The role a user not yet present joins with: the room's moderators host; in a webinar everyone
 * else attends (receive only) until a host brings them on stage, in a meeting everyone speaks.
 */
export function joinRole(room: Room, user: UserDto): ParticipantRole {
  if (isModerator(room, user)) return 'host';
  // An app's token without the publish grant only receives (the webinar attendee path).
  if (isScopedTo(room, user) && !user.roomScope!.grants.publish) return 'attendee';
  return room.kind === 'webinar' ? 'attendee' : 'speaker';
}
