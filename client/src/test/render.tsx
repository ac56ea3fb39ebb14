import type { UserDto } from '@minimeet/shared';
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { AppRoutes } from '../app/App';
import { wireSession } from '../app/SessionBridge';
import { useAuthStore } from '../features/auth/authStore';
import { sessionFrom } from '../features/auth/session';
import { fakeJwt } from './fetchMock';

export const alice = { id: 1, username: 'alice', role: 'user' as const };

export function signIn(user: UserDto = alice): string {
  const token = fakeJwt(Math.floor(Date.now() / 1000) + 3600, user.id);
  useAuthStore.setState({ session: sessionFrom({ accessToken: token, user }), notice: null });
  return token;
}

/** The app's routes at `path`, with the session wired to http (no socket unless one is faked). */
export function renderApp(path: string) {
  wireSession();
  return render(
    <MemoryRouter initialEntries={[path]}>
      <AppRoutes />
    </MemoryRouter>,
  );
}
