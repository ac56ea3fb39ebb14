import type { UserDto } from '@minimeet/shared';
import { cleanup, render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { AppRoutes } from '../app/App';
import { wireSession } from '../app/SessionBridge';
import { useAuthStore } from '../features/auth/authStore';
import { useCallStore } from '../features/call/callStore';
import { disconnectSocket, setSocketFactory } from '../lib/socket';
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

/** Undoes a call page test: unmounts, leaves the call, resets the call store, signs out, drops the socket. */
export async function endCallPageTest(): Promise<void> {
  cleanup();
  await useCallStore.getState().leave();
  useCallStore.setState({ status: 'idle', error: null, sidePanel: 'chat' });
  useAuthStore.setState({ session: null });
  disconnectSocket();
  setSocketFactory(null);
}
