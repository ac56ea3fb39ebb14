import type { RoomDto, UserDto } from '@minimeet/shared';

/**
 * Whether joining will make the user a receive-only attendee, as the server decides it at join
 * (moderators host; an app's user without the publish grant, and everyone else in a webinar,
 * attends). The pre-join screen then captures nothing and says so.
 */
export function joinsAsAttendee(room: RoomDto, user: UserDto): boolean {
  const scoped = user.roomScope?.roomId === room.id ? user.roomScope : undefined;
  const moderator = room.ownerId === user.id || user.role === 'admin' || scoped?.grants.moderate === true;
  if (moderator) return false;
  if (scoped && !scoped.grants.publish) return true;
  return room.kind === 'webinar';
}
