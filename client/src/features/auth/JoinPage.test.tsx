import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeJwt, mockFetch } from '../../test/fetchMock';
import { renderApp, signIn } from '../../test/render';
import { useAuthStore } from './authStore';

afterEach(() => {
  cleanup();
  useAuthStore.setState({ session: null, notice: null });
  vi.unstubAllGlobals();
});

const scope = { roomId: 5, apiKeyId: 'mk_1', grants: { publish: false, subscribe: true, moderate: false } };

describe('/join?token= (a join token an app minted)', () => {
  it('exchanges the token and signs in with a session limited to its room', async () => {
    const accessToken = fakeJwt(Math.floor(Date.now() / 1000) + 600, 9);
    const spy = mockFetch([
      {
        method: 'POST',
        path: '/auth/external',
        body: { accessToken, accessTokenExpiresAt: new Date().toISOString(), user: { id: 9, username: 'Ada', role: 'user', roomScope: scope } },
      },
    ]);
    renderApp('/join?token=minted.by.app');
    await waitFor(() => expect(useAuthStore.getState().session?.user.roomScope).toEqual(scope));
    const [, init] = spy.mock.calls.find(([input]) => String(input).includes('/auth/external'))!;
    expect(JSON.parse(String(init?.body))).toEqual({ token: 'minted.by.app' });
    expect(useAuthStore.getState().session?.accessToken).toBe(accessToken);
  });

  it('says why a refused token does not work', async () => {
    mockFetch([
      {
        method: 'POST',
        path: '/auth/external',
        status: 401,
        body: { statusCode: 401, error: { code: 'UNAUTHORIZED', message: 'The token has expired', details: { reason: 'EXPIRED' } } },
      },
    ]);
    renderApp('/join?token=old');
    expect(await screen.findByRole('alert')).toHaveTextContent('This join link does not work');
    expect(useAuthStore.getState().session).toBeNull();
  });

  it('after leaving, a room-limited session gets its way back in, not the lobby', async () => {
    mockFetch([]);
    signIn({ id: 9, username: 'Ada', role: 'user', roomScope: scope });
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'You left the call' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Rejoin the call' })).toHaveAttribute('href', '/rooms/5');
  });
});
