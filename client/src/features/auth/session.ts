import type { AuthResponse, UserDto } from '@minimeet/shared';

export interface Session {
  accessToken: string;
  /** Opaque, single use: traded at POST /api/auth/refresh for a new pair. Null for sessions without one. */
  refreshToken: string | null;
  user: UserDto;
  /** Access token expiry (ms since epoch) from the JWT `exp` claim; null when the token has none. */
  expiresAt: number | null;
  /** Refresh token expiry (ms since epoch); null when unknown. */
  refreshExpiresAt: number | null;
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

type SessionSource = Pick<AuthResponse, 'accessToken' | 'user'> &
  Partial<Pick<AuthResponse, 'refreshToken' | 'refreshTokenExpiresAt'>>;

export function sessionFrom(res: SessionSource): Session {
  const refreshExpiresAt = res.refreshTokenExpiresAt ? Date.parse(res.refreshTokenExpiresAt) : NaN;
  return {
    accessToken: res.accessToken,
    refreshToken: res.refreshToken ?? null,
    user: res.user,
    expiresAt: tokenExpiry(res.accessToken),
    refreshExpiresAt: Number.isNaN(refreshExpiresAt) ? null : refreshExpiresAt,
  };
}

/** The access token has expired (a refresh may still renew the session). */
export function isExpired(session: Session, now = Date.now()): boolean {
  return session.expiresAt !== null && session.expiresAt <= now;
}

/** Neither token can be used any more: only signing in again helps. */
export function isOver(session: Session, now = Date.now()): boolean {
  if (!isExpired(session, now)) return false;
  if (!session.refreshToken) return true;
  return session.refreshExpiresAt !== null && session.refreshExpiresAt <= now;
}

/**
 * `storage` defaults to localStorage, read inside the try: a browser that blocks storage (a
 * frame in another site with third-party storage blocked) throws on the mere access, and the
 * session then lives in memory only.
 */
export function loadSession(given?: Storage): Session | null {
  try {
    const storage = given ?? localStorage;
    const raw = storage.getItem(SESSION_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.accessToken !== 'string' || typeof s.user?.username !== 'string') return null;
    const session: Session = {
      accessToken: s.accessToken,
      refreshToken: typeof s.refreshToken === 'string' ? s.refreshToken : null,
      user: s.user,
      expiresAt: tokenExpiry(s.accessToken),
      refreshExpiresAt: typeof s.refreshExpiresAt === 'number' ? s.refreshExpiresAt : null,
    };
    if (isOver(session)) {
      storage.removeItem(SESSION_KEY);
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null, given?: Storage): void {
  try {
    const storage = given ?? localStorage;
    if (session) {
      const { accessToken, refreshToken, user, refreshExpiresAt } = session;
      storage.setItem(SESSION_KEY, JSON.stringify({ accessToken, refreshToken, user, refreshExpiresAt }));
    } else storage.removeItem(SESSION_KEY);
  } catch {
    // Private mode / quota: the session just won't survive a reload.
  }
}
