/** Why a call could not start or stopped, in words for the user. */
import { AppError, describeError } from '../../lib/errors';

export interface CallError {
  code: AppError['code'] | 'ROOM_DELETED' | 'BAD_ROOM' | 'CALL_ENDED';
  message: string;
}

const JOIN_REFUSALS: Partial<Record<AppError['code'], string>> = {
  ROOM_FULL: 'This room is full. Try again when someone leaves.',
  // A private room the user may not open answers like a missing one: the message covers both.
  NOT_FOUND: 'This room does not exist, has been deleted, or is private: open it with its invite link.',
  ROOM_LOCKED: 'This room is locked: nobody new can join right now.',
  INVITE_REQUIRED: 'This room is private: ask for an invite link.',
  REMOVED_FROM_ROOM: 'You were removed from this room. The host can let you back in.',
  LOBBY_DENIED: 'The host did not let you in. You can ask again in a little while.',
};

/** Said instead when the join carried an invite token: it was most likely rotated. */
const STALE_INVITE = 'This invite link is no longer valid, or the room has been deleted. Ask for a new link.';

/** A failed joinRoom (first join or rejoin); `withInvite` when the join carried an invite token. */
export function joinError(err: unknown, withInvite = false): CallError {
  if (err instanceof AppError) {
    if (err.code === 'NOT_FOUND' && withInvite) return { code: err.code, message: STALE_INVITE };
    return { code: err.code, message: JOIN_REFUSALS[err.code] ?? describeError(err) };
  }
  return { code: 'INTERNAL', message: describeError(err) };
}

export const roomDeletedError: CallError = {
  code: 'ROOM_DELETED',
  message: 'This room was deleted by its owner.',
};

export function removedError(byUsername: string): CallError {
  return { code: 'REMOVED_FROM_ROOM', message: `You were removed from this room by ${byUsername}.` };
}

/** The user was in this private room only as an admin, and is an admin no more. */
export const adminRoleEndedError: CallError = {
  code: 'INVITE_REQUIRED',
  message: 'You were in this private room as an admin; you are no longer one. Ask for an invite link.',
};

export function callEndedError(byUsername: string): CallError {
  return { code: 'CALL_ENDED', message: `The host (${byUsername}) ended the call for everyone.` };
}

/** A moderator turned us away from the lobby. */
export const lobbyDeniedError: CallError = {
  code: 'LOBBY_DENIED',
  message: 'The host did not let you in. You can ask again in a little while.',
};
