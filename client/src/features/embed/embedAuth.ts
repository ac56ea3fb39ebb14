/**
 * The embed page's `?token=`: either a MiniMeet access token (a guest's, or the one
 * POST /api/auth/external answered) or a join token an app minted with its API key (what
 * `/join?token=` takes). Either becomes the session, for this room only.
 */
import { AppError } from '../../lib/errors';
import { useAuthStore } from '../auth/authStore';

/** A JWT whose header names a key (`kid`) was minted by an app; MiniMeet's own tokens have none. */
export function isAppJoinToken(token: string): boolean {
  const head = token.split('.')[0];
  if (!head) return false;
  try {
    const b64 = head.replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(b64.padEnd(b64.length + ((4 - (b64.length % 4)) % 4), '='))) as { kid?: unknown };
    return typeof json.kid === 'string';
  } catch {
    return false;
  }
}

/**
 * Which user this frame signed in with a token (sessionStorage: this frame's tab only, kept over
 * reloads). Without a token in its address the frame goes on only with that session, never with
 * one the app stored otherwise.
 */
const EMBED_USER_KEY = 'minimeet.embed.user';

/** Signs in with the token; refuses one that is for another room than the page's. */
export async function signInForEmbed(token: string, roomId: number): Promise<void> {
  const auth = useAuthStore.getState();
  if (isAppJoinToken(token)) await auth.joinExternal(token);
  else await auth.adoptAccessToken(token);
  const user = useAuthStore.getState().session?.user;
  if (user?.roomScope && user.roomScope.roomId !== roomId) {
    useAuthStore.getState().logout();
    throw new AppError('FORBIDDEN', 'This token is for another room.');
  }
  try {
    if (user) sessionStorage.setItem(EMBED_USER_KEY, String(user.id));
  } catch {
    // Storage blocked: a reload will need the token again.
  }
}

/** The session this frame signed in with earlier (a reload without the token), or false. */
export function hasEmbedSession(): boolean {
  const user = useAuthStore.getState().session?.user;
  try {
    return !!user && sessionStorage.getItem(EMBED_USER_KEY) === String(user.id);
  } catch {
    return false;
  }
}
