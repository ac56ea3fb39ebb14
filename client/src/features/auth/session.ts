import type { AuthResponse, UserDto } from '@minimeet/shared';

export interface Session {
  accessToken: string;
  user: UserDto;
  /** Token expiry (ms since epoch) from the JWT `exp` claim; null when the token has none. */
  expiresAt: number | null;
}

export const SESSION_KEY = 'minimeet.session';

/** Reads `exp` from a JWT without verifying it (the server does that). */
export function tokenExpiry(token: string): number | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const json = atob(b64.padEnd(b64.length + ((4 - (b64.length % 4)) % 4), '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

export function sessionFrom(res: AuthResponse): Session {
  return { accessToken: res.accessToken, user: res.user, expiresAt: tokenExpiry(res.accessToken) };
}

export function isExpired(session: Session, now = Date.now()): boolean {
  return session.expiresAt !== null && session.expiresAt <= now;
}

export function loadSession(storage: Storage = localStorage): Session | null {
  try {
    const raw = storage.getItem(SESSION_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.accessToken !== 'string' || typeof s.user?.username !== 'string') return null;
    const session: Session = { accessToken: s.accessToken, user: s.user, expiresAt: tokenExpiry(s.accessToken) };
    if (isExpired(session)) {
      storage.removeItem(SESSION_KEY);
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null, storage: Storage = localStorage): void {
  try {
    if (session) storage.setItem(SESSION_KEY, JSON.stringify({ accessToken: session.accessToken, user: session.user }));
    else storage.removeItem(SESSION_KEY);
  } catch {
    // Private mode / quota: the session just won't survive a reload.
  }
}
