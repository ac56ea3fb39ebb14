import type { ReactNode } from 'react';
import { Link, NavLink } from 'react-router';
import { useAuthStore } from '../features/auth/authStore';
import { Avatar } from '../ui/Avatar';
import { ConnectionIndicator } from '../ui/ConnectionIndicator';

export function AppHeader({ children }: { children?: ReactNode }) {
  const user = useAuthStore((s) => s.session?.user);
  return (
    <header className="app-header">
      <Link to="/" className="brand" aria-label="MiniMeet lobby">
        <span className="brand__logo" aria-hidden="true" />
        <span className="brand__name">MiniMeet</span>
      </Link>
      <div className="app-header__middle">{children}</div>
      <div className="app-header__right">
        {user?.role === 'admin' && (
          <NavLink to="/admin" className="btn btn--ghost btn--small app-header__admin">
            Admin
          </NavLink>
        )}
        <ConnectionIndicator />
        {user && (
          <span className="app-header__user">
            <Avatar name={user.username} size={28} />
            <span className="app-header__username">{user.username}</span>
          </span>
        )}
        <button type="button" className="btn btn--ghost btn--small" onClick={() => useAuthStore.getState().logout()}>
          Sign out
        </button>
      </div>
    </header>
  );
}
