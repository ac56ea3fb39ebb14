import type { RoomDto, UserDto } from '@minimeet/shared';

/**
 * Whether joining will make the user a receive-only attendee, as the server decides it at join
 * (moderators host; an app's user without the publish grant, and everyone else in a webinar,
 * attends). The pre-join screen then captures nothing and says so.
 */
export function joinsAsAttendee(room: RoomDto, user: UserDto): boolean {
  const scoped = user.roomScope?.roomId === room.id ? user.roomScope : undefined;
  if (isRoomModerator(room, user)) return false;
  if (scoped && !scoped.grants.publish) return true;
  return room.kind === 'webinar';
}

/** The room's owner, admins and an app's user granted `moderate` for this room (the server's rule). */
function isRoomModerator(room: RoomDto, user: UserDto): boolean {
  const scoped = user.roomScope?.roomId === room.id ? user.roomScope : undefined;
  return room.ownerId === user.id || user.role === 'admin' || scoped?.grants.moderate === true;
}

/**
 * Whether joining will wait in the room's lobby for a host (as the server decides it; someone
 * already admitted in this call is let in anyway). `guest`: joining as a guest (no session yet).
 */
export function waitsInLobby(room: RoomDto, user: UserDto | null, guest: boolean): boolean {
  if (room.lobby === 'off') return false;
  if (guest || user?.role === 'guest') return true;
  return room.lobby === 'everyone' && !!user && !isRoomModerator(room, user);
}
