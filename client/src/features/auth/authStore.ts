import type { Role } from '@minimeet/shared';
import { create } from 'zustand';
import { AppError } from '../../lib/errors';
import { authApi } from './authApi';
import { isExpired, isOver, loadSession, saveSession, sessionFrom, type Session } from './session';

export const SESSION_EXPIRED = 'Your session has expired. Please sign in again.';
export const SESSION_REVOKED =
  'You were signed out (your password was changed or you signed out everywhere).';
export const ACCOUNT_REMOVED = 'This account was removed.';

export interface AuthState {
  session: Session | null;
  /** Why the user was signed out (shown on the login page), e.g. an expired token. */
  notice: string | null;
  login(username: string, password: string): Promise<void>;
  register(username: string, password: string): Promise<void>;
  /** Signs in with a join token an app minted (`/join?token=…`); resolves the room it is for. */
  joinExternal(token: string): Promise<number>;
  /**
   * Makes a MiniMeet access token handed over by another site (the embed page's `?token=`) the
   * session, once the server says whose it is. No refresh token: a guest's renews in the call,
   * any other ends at its expiry.
   */
  adoptAccessToken(accessToken: string): Promise<void>;
  /** Joins a room that allows guests without an account (`/rooms/:id`, "Join as guest"). */
  joinAsGuest(roomId: number, displayName: string, inviteToken?: string): Promise<void>;
  logout(notice?: string): void;
  clearNotice(): void;
  /** The server says the user's role changed (`roleChanged`): admin pages and powers follow. */
  setRole(role: Role): void;
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const MAX_TIMEOUT = 2_147_483_647;
/**
 * Refresh this long before the access token expires (at most; a third of the time left for short
 * tokens). Generous, because browsers delay timers in background tabs.
 */
const REFRESH_LEAD_MS = 120_000;
/** After a network failure, try the refresh again this soon (while the token still works). */
const RETRY_MS = 5_000;

/**
 * Silent renewal: the access token is traded for a new one shortly before it expires, so the
 * user (and the live socket, via SessionBridge → auth:renew) never notices. Without a refresh
 * token the session simply ends at expiry.
 */
function scheduleRefresh(session: Session | null, delayOverride?: number): void {
  clearTimeout(refreshTimer);
  refreshTimer = undefined;
  if (!session?.expiresAt) return;
  const left = session.expiresAt - Date.now();
  if (left > MAX_TIMEOUT) return;
  // A guest has no refresh token but renews its token while it is in the call.
  if (!session.refreshToken && session.user.role !== 'guest') {
    refreshTimer = setTimeout(() => useAuthStore.getState().logout(SESSION_EXPIRED), Math.max(0, left));
    return;
  }
  const delay = delayOverride ?? left - Math.min(REFRESH_LEAD_MS, left / 3);
  refreshTimer = setTimeout(() => void refreshSession(), Math.max(0, delay));
}

function setSession(session: Session | null, notice: string | null = null): void {
  saveSession(session);
  scheduleRefresh(session);
  useAuthStore.setState({ session, notice });
}

export const useAuthStore = create<AuthState>()(() => ({
  session: null,
  notice: null,
  async login(username, password) {
    const res = await authApi.login({ username, password });
    setSession(sessionFrom(res));
  },
  async register(username, password) {
    const res = await authApi.register({ username, password });
    setSession(sessionFrom(res));
  },
  async joinExternal(token) {
    const res = await authApi.external({ token });
    // No refresh token: the session ends with the app's token (the app mints a new one).
    setSession(sessionFrom(res));
    return res.user.roomScope!.roomId;
  },
  async adoptAccessToken(accessToken) {
    const user = await authApi.meWith(accessToken);
    setSession(sessionFrom({ accessToken, user }));
  },
  async joinAsGuest(roomId, displayName, inviteToken) {
    setSession(sessionFrom(await authApi.guest({ roomId, displayName, ...(inviteToken ? { inviteToken } : {}) })));
  },
  logout(notice) {
    setSession(null, notice ?? null);
  },
  clearNotice() {
    useAuthStore.setState({ notice: null });
  },
  setRole(role) {
    const session = useAuthStore.getState().session;
    if (!session || session.user.role === role) return;
    const updated = { ...session, user: { ...session.user, role } };
    saveSession(updated);
    useAuthStore.setState({ session: updated });
  },
}));

let inFlight: Promise<boolean> | null = null;

/**
 * Trades the refresh token for a new pair (one request at a time, whoever asks). Resolves true
 * with the new session in the store; false when it could not: signed out (with a notice) if the
 * server refused, or left as is after a network failure (retried shortly).
 */
export function refreshSession(): Promise<boolean> {
  inFlight ??= withRefreshLock(refreshNow).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function refreshNow(): Promise<boolean> {
  const session = useAuthStore.getState().session;
  if (!session) return false;
  // Another tab may have refreshed while we waited for the lock: its tokens are in storage and
  // ours is spent (presenting it again would look like theft and end the session everywhere).
  const stored = loadSession();
  if (
    stored &&
    stored.user.id === session.user.id &&
    stored.accessToken !== session.accessToken &&
    !isExpired(stored)
  ) {
    setSession(stored);
    return true;
  }
  if (!session.refreshToken && session.user.role !== 'guest') {
    useAuthStore.getState().logout(SESSION_EXPIRED);
    return false;
  }
  try {
    const res = session.refreshToken ? await authApi.refresh({ refreshToken: session.refreshToken }) : await authApi.guestRenew();
    // Signed out (or in as someone else) while the request ran: do not resurrect the session.
    if (useAuthStore.getState().session !== session) return false;
    setSession(sessionFrom(res));
    return true;
  } catch (err) {
    if (useAuthStore.getState().session !== session) return false;
    const transient =
      err instanceof AppError &&
      (err.code === 'NETWORK' || err.code === 'TIMEOUT' || (err.status ?? 0) >= 500);
    if (transient && !isOver(session)) {
      scheduleRefresh(session, RETRY_MS);
      return false;
    }
    useAuthStore.getState().logout(SESSION_EXPIRED);
    return false;
  }
}

/** Tabs of one browser share the stored session: one refresh at a time across them (Web Locks, where available). */
function withRefreshLock(fn: () => Promise<boolean>): Promise<boolean> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  // The DOM typing nests the callback's promise (Promise<Promise<boolean>>); `then` flattens it.
  return locks ? locks.request('minimeet.session.refresh', fn).then((result) => result) : fn();
}

/** Restores the persisted session; an expired access token with a live refresh token is renewed at once. */
export function restoreSession(): void {
  const session = loadSession();
  if (!session || isOver(session)) {
    setSession(null);
    return;
  }
  setSession(session);
  if (isExpired(session)) void refreshSession();
}

export const selectUser = (s: AuthState) => s.session?.user ?? null;
export const selectToken = (s: AuthState) => s.session?.accessToken ?? null;
