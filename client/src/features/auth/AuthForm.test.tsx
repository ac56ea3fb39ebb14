import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeJwt, mockFetch } from '../../test/fetchMock';
import { renderApp, signIn } from '../../test/render';
import { useAuthStore } from './authStore';
import { SESSION_KEY } from './session';

afterEach(() => {
  cleanup();
  useAuthStore.setState({ session: null, notice: null });
  vi.unstubAllGlobals();
});

describe('auth pages', () => {
  it('protected routes redirect to /login', async () => {
    mockFetch([]);
    renderApp('/admin');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('a room link without a session offers sign-in or joining as a guest; a refusal is shown', async () => {
    mockFetch([
      {
        method: 'POST',
        path: '/auth/guest',
        status: 403,
        body: { statusCode: 403, error: { code: 'FORBIDDEN', message: 'This room does not allow guests; sign in to join' } },
      },
    ]);
    renderApp('/rooms/3');
    expect(await screen.findByRole('heading', { name: 'Join the call' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Sign in' })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Your name/), 'Grace');
    await userEvent.click(screen.getByRole('button', { name: 'Join as guest' }));
    expect(await screen.findByText(/does not allow guests/)).toBeInTheDocument();
  });

  it('shows server validation messages next to the fields', async () => {
    mockFetch([
      {
        method: 'POST',
        path: '/auth/register',
        status: 400,
        body: {
          statusCode: 400,
          error: {
            code: 'VALIDATION',
            message: 'Invalid username, password',
            details: { fields: { username: ['username must be longer than or equal to 3 characters'], password: ['password too short'] } },
          },
        },
      },
    ]);
    renderApp('/register');
    await userEvent.type(screen.getByLabelText('Username'), 'al');
    await userEvent.type(screen.getByLabelText('Password'), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    const username = screen.getByLabelText('Username');
    expect(await screen.findByText('username must be longer than or equal to 3 characters')).toBeInTheDocument();
    expect(username).toHaveAttribute('aria-invalid', 'true');
    expect(username).toHaveAccessibleDescription('username must be longer than or equal to 3 characters');
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('password too short');
  });

  it('shows a taken username next to the username field', async () => {
    mockFetch([{ method: 'POST', path: '/auth/register', status: 409, body: { statusCode: 409, error: { code: 'CONFLICT', message: 'Username is already taken' } } }]);
    renderApp('/register');
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'password123');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(screen.getByLabelText('Username')).toHaveAccessibleDescription('Username is already taken'));
  });

  it('a wrong password shows the server message as a form error', async () => {
    mockFetch([{ method: 'POST', path: '/auth/login', status: 401, body: { statusCode: 401, error: { code: 'UNAUTHORIZED', message: 'Invalid username or password' } } }]);
    renderApp('/login');
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'wrongpass');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid username or password');
  });

  it('signs in, persists the session and opens the lobby', async () => {
    const token = fakeJwt(Math.floor(Date.now() / 1000) + 3600);
    mockFetch([
      { method: 'POST', path: '/auth/login', body: { accessToken: token, user: { id: 1, username: 'alice', role: 'user' } } },
      { path: '/rooms', body: [] },
    ]);
    renderApp('/login');
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'password123');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Rooms' })).toBeInTheDocument();
    expect(JSON.parse(localStorage.getItem(SESSION_KEY)!)).toMatchObject({ accessToken: token });
  });

  it('a 401 from the API signs out with a notice', async () => {
    signIn();
    mockFetch([{ path: '/rooms', status: 401, body: { statusCode: 401, error: { code: 'UNAUTHORIZED', message: 'expired' } } }]);
    renderApp('/');
    expect(await screen.findByText(/session has expired/)).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });
});
