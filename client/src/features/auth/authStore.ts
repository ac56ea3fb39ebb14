import { create } from 'zustand';
import { authApi } from './authApi';
import { isExpired, loadSession, saveSession, sessionFrom, type Session } from './session';

export interface AuthState {
  session: Session | null;
  /** Why the user was signed out (shown on the login page), e.g. an expired token. */
  notice: string | null;
  login(username: string, password: string): Promise<void>;
  register(username: string, password: string): Promise<void>;
  logout(notice?: string): void;
  clearNotice(): void;
}

let expiryTimer: ReturnType<typeof setTimeout> | undefined;
const MAX_TIMEOUT = 2_147_483_647;

function scheduleExpiry(session: Session | null): void {
  clearTimeout(expiryTimer);
  expiryTimer = undefined;
  if (!session?.expiresAt) return;
  const ms = session.expiresAt - Date.now();
  if (ms > MAX_TIMEOUT) return;
  expiryTimer = setTimeout(() => {
    useAuthStore.getState().logout('Your session has expired. Please sign in again.');
  }, Math.max(0, ms));
}

function setSession(session: Session | null, notice: string | null = null): void {
  saveSession(session);
  scheduleExpiry(session);
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
  logout(notice) {
    setSession(null, notice ?? null);
  },
  clearNotice() {
    useAuthStore.setState({ notice: null });
  },
}));

/** Restores the persisted session (dropping it if expired). Called once at startup. */
export function restoreSession(): void {
  const session = loadSession();
  if (session && !isExpired(session)) setSession(session);
  else setSession(null);
}

export const selectUser = (s: AuthState) => s.session?.user ?? null;
export const selectToken = (s: AuthState) => s.session?.accessToken ?? null;
