import { useEffect } from 'react';
import { useAuthStore } from '../features/auth/authStore';
import { configureHttp } from '../lib/http';
import { connectSocket, disconnectSocket, setUnauthorizedHandler } from '../lib/socket';

const EXPIRED = 'Your session has expired. Please sign in again.';

/** Wires the session into the HTTP client and the socket (once, at startup). */
export function wireSession(): void {
  configureHttp({
    getToken: () => useAuthStore.getState().session?.accessToken ?? null,
    onUnauthorized: () => useAuthStore.getState().logout(EXPIRED),
  });
  setUnauthorizedHandler(() => useAuthStore.getState().logout(EXPIRED));
}

/** Keeps one socket open while signed in. */
export function SessionBridge() {
  const token = useAuthStore((s) => s.session?.accessToken ?? null);
  useEffect(() => {
    if (!token) {
      disconnectSocket();
      return;
    }
    connectSocket(token);
  }, [token]);
  useEffect(() => () => disconnectSocket(), []);
  return null;
}
