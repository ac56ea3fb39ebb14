import type { Participant, ParticipantRole, UserDto } from '@minimeet/shared';

/** A user as the participant list shows them: guests carry the "guest" mark. */
export function participantOf(user: Pick<UserDto, 'id' | 'username' | 'role'>, role: ParticipantRole): Participant {
  return user.role === 'guest'
    ? { userId: user.id, username: user.username, role, guest: true }
    : { userId: user.id, username: user.username, role };
}

/**
 * How a guest's name is stored where presence keeps only a string (Redis hash value): a prefix
 * no username or display name can hold (control character), stripped when read back.
 */
const GUEST_NAME_PREFIX = '\u0001g:';

export function encodePresentName(p: Pick<Participant, 'username' | 'guest'>): string {
  return p.guest ? GUEST_NAME_PREFIX + p.username : p.username;
}

export function decodePresentName(stored: string): Pick<Participant, 'username' | 'guest'> {
  return stored.startsWith(GUEST_NAME_PREFIX) ? { username: stored.slice(GUEST_NAME_PREFIX.length), guest: true } : { username: stored };
}
