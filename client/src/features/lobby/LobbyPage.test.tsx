import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../../test/fetchMock';
import { renderApp, signIn } from '../../test/render';
import { useAuthStore } from '../auth/authStore';
import { useLobbyStore } from './lobbyStore';

const room = (id: number, name: string, count: number, max = 8) => ({
  id,
  name,
  ownerId: 1,
  maxParticipants: max,
  visibility: 'public' as const,
  locked: false,
  joinMuted: false,
  allowGuests: false, lobby: 'off', recordingAccess: 'moderators', recording: false,
  kind: 'meeting',
  participantCount: count,
  createdAt: `2026-01-0${id}T00:00:00Z`,
});

afterEach(() => {
  cleanup();
  useAuthStore.setState({ session: null, notice: null });
  useLobbyStore.setState({ rooms: [], status: 'idle', error: null });
  useLobbyStore.getState().clearSearch();
  vi.unstubAllGlobals();
});

describe('lobby', () => {
  it('lists rooms with participant counts, newest first; full rooms cannot be joined', async () => {
    signIn();
    mockFetch([{ path: '/rooms', body: [room(1, 'Old room', 0), room(2, 'Busy room', 3), room(3, 'Full room', 2, 2)] }]);
    renderApp('/');
    const list = await screen.findByRole('list', { name: 'Rooms' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.room-item__name')?.textContent)).toEqual(['Full room', 'Busy room', 'Old room']);
    expect(within(items[1]!).getByTestId('participant-count')).toHaveTextContent('3 / 8');
    expect(within(items[1]!).getByRole('link', { name: 'Join Busy room' })).toHaveAttribute('href', '/rooms/2');
    expect(within(items[0]!).queryByRole('link', { name: /^Join/ })).toBeNull();
    expect(within(items[0]!).getByText('Full')).toBeInTheDocument();
  });

  it('shows a create-room validation message next to the name field', async () => {
    signIn();
    mockFetch([
      { path: '/rooms', body: [] },
      {
        method: 'POST',
        path: '/rooms',
        status: 400,
        body: { statusCode: 400, error: { code: 'VALIDATION', message: 'Invalid name', details: { fields: { name: ['name must be shorter than or equal to 64 characters'] } } } },
      },
    ]);
    renderApp('/');
    await userEvent.type(screen.getByLabelText('Room name'), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Create and join' }));
    expect(await screen.findByText('name must be shorter than or equal to 64 characters')).toBeInTheDocument();
  });

  it("offers room sizes up to the server's limit and shows its refusal next to the field", async () => {
    signIn();
    const fetchSpy = mockFetch([
      { path: '/rooms', body: [] },
      { path: '/rooms/limits', body: { minParticipants: 2, maxParticipants: 150, defaultParticipants: 8 } },
      {
        method: 'POST',
        path: '/rooms',
        status: 400,
        body: { statusCode: 400, error: { code: 'VALIDATION', message: 'too big', details: { fields: { maxParticipants: ['maxParticipants must not be greater than 150'] } } } },
      },
    ]);
    renderApp('/');
    expect(await screen.findByText('Up to 150')).toBeInTheDocument();
    const size = screen.getByLabelText('Max people');
    expect(size).toHaveAttribute('max', '150');
    expect(size).toHaveValue(8);
    await userEvent.type(screen.getByLabelText('Room name'), 'All hands');
    await userEvent.clear(size);
    await userEvent.type(size, '151');
    await userEvent.click(screen.getByRole('button', { name: 'Create and join' }));
    expect(await screen.findByText('maxParticipants must not be greater than 150')).toBeInTheDocument();
    const post = fetchSpy.mock.calls.find(([, init]) => init?.method === 'POST');
    expect(JSON.parse(String(post?.[1]?.body))).toMatchObject({ name: 'All hands', maxParticipants: 151 });
  });

  it('searches chat and shows snippets as text (no HTML injection)', async () => {
    signIn();
    const fetchSpy = mockFetch([
      { path: '/rooms', body: [room(2, 'Team', 1)] },
      {
        path: /^\/messages\/search\?q=deploy/,
        body: {
          results: [
            {
              message: { id: 9, roomId: 2, sender: { id: 2, username: 'bob' }, content: 'deploy <img src=x onerror=alert(1)>', createdAt: '2026-01-01T10:00:00Z', clientMessageId: 'c' },
              snippet: 'deploy <img src=x onerror=alert(1)>',
            },
          ],
        },
      },
    ]);
    renderApp('/');
    await screen.findByRole('link', { name: 'Join Team' });
    await userEvent.type(screen.getByLabelText('Search messages'), 'deploy');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    const results = await screen.findByRole('list', { name: 'Search results' });
    expect(results).toHaveTextContent('deploy <img src=x onerror=alert(1)>');
    expect(results.querySelector('img')).toBeNull();
    expect(within(results).getByRole('link')).toHaveAttribute('href', '/rooms/2');
    expect(within(results).getByText('Team')).toBeInTheDocument();
    expect(String(fetchSpy.mock.calls.at(-1)![0])).toContain('q=deploy');
  });

  it('shows a readable message when the server is unreachable', async () => {
    signIn();
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    renderApp('/');
    expect(await screen.findByText(/Cannot reach the server/)).toBeInTheDocument();
  });
});
