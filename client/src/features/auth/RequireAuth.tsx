import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuthStore } from './authStore';

/** Protected routes: without a session, go to /login and come back afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useAuthStore((s) => s.session);
  const location = useLocation();
  if (!session) {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  return <>{children}</>;
}

/** Where to go after signing in: the protected page that sent us to /login, else the lobby. */
export function redirectTarget(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') ? from : '/';
}

/** /login and /register: a signed-in user goes on (to where they came from, or the lobby). */
export function GuestOnly({ children }: { children: ReactNode }) {
  const session = useAuthStore((s) => s.session);
  const location = useLocation();
  if (session) return <Navigate to={redirectTarget(location.state)} replace />;
  return <>{children}</>;
}
