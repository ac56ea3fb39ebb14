import type { SessionEndReason } from '@minimeet/shared';
import { useEffect } from 'react';
import {
  ACCOUNT_REMOVED,
  refreshSession,
  SESSION_EXPIRED,
  SESSION_REVOKED,
  useAuthStore,
} from '../features/auth/authStore';
import { configureHttp } from '../lib/http';
import { connectSocket, disconnectSocket, onServerEvent, setUnauthorizedHandler } from '../lib/socket';

/** Wires the session into the HTTP client and the socket (once, at startup). */
export function wireSession(): void {
  configureHttp({
    getToken: () => useAuthStore.getState().session?.accessToken ?? null,
    refresh: refreshSession,
    onUnauthorized: () => useAuthStore.getState().logout(SESSION_EXPIRED),
  });
  // A refused handshake: refresh, and the socket retries with the new token (SessionBridge);
  // refused again with a fresh token means the session is gone.
  setUnauthorizedHandler(({ repeated }) => {
    if (repeated) useAuthStore.getState().logout(SESSION_EXPIRED);
    else void refreshSession();
  });
}

/** What the server's sessionEnded means for this tab. */
export function handleSessionEnded(reason: SessionEndReason): void {
  if (reason === 'expired') {
    // The socket missed its renewal (e.g. the machine slept): renew; it reconnects with the new token.
    void refreshSession();
    return;
  }
  disconnectSocket();
  useAuthStore.getState().logout(reason === 'accountRemoved' ? ACCOUNT_REMOVED : SESSION_REVOKED);
}

/** Keeps one socket open while signed in; a refreshed token renews it in place. */
export function SessionBridge() {
  const token = useAuthStore((s) => s.session?.accessToken ?? null);
  const userId = useAuthStore((s) => s.session?.user.id);
  useEffect(() => {
    if (!token) {
      disconnectSocket();
      return;
    }
    connectSocket(token, userId);
  }, [token, userId]);
  useEffect(() => onServerEvent('sessionEnded', ({ reason }) => handleSessionEnded(reason)), []);
  useEffect(() => onServerEvent('roleChanged', ({ role }) => useAuthStore.getState().setRole(role)), []);
  useEffect(() => () => disconnectSocket(), []);
  return null;
}
