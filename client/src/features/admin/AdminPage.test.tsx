import type { CallSessionDto, UserDto } from '@minimeet/shared';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectSocket, disconnectSocket, setSocketFactory } from '../../lib/socket';
import { snapshot } from '../../test/adminSnapshots';
import { mockFetch, type MockRoute } from '../../test/fetchMock';
import { fail, installFakeSockets, ok } from '../../test/fakeSocket';
import { alice, renderApp, signIn } from '../../test/render';
import { useAuthStore } from '../auth/authStore';
import { useAdminLiveStore } from './adminLiveStore';
import { useCallAnalyticsStore } from './callAnalyticsStore';

const admin = { id: 9, username: 'root', role: 'admin' as const };

const calls: CallSessionDto[] = [
  {
    id: 2,
    roomId: 5,
    roomName: 'Stand-up',
    startedAt: '2026-03-02T09:58:00.000Z',
    endedAt: null,
    durationMs: null,
    peakParticipants: 2,
    participants: [
      { userId: 1, username: 'alice', joinedAt: '2026-03-02T09:58:00.000Z', leftAt: '2026-03-02T09:59:00.000Z' },
      { userId: 2, username: 'bob', joinedAt: '2026-03-02T09:58:30.000Z', leftAt: null },
      { userId: 1, username: 'alice', joinedAt: '2026-03-02T09:59:30.000Z', leftAt: null },
    ],
  },
  {
    id: 1,
    roomId: 6,
    roomName: 'Retro',
    startedAt: '2026-03-01T15:00:00.000Z',
    endedAt: '2026-03-01T15:47:12.000Z',
    durationMs: 2_832_000,
    peakParticipants: 3,
    participants: [{ userId: 3, username: 'carol', joinedAt: '2026-03-01T15:00:00.000Z', leftAt: '2026-03-01T15:47:12.000Z' }],
  },
];
const callsRoute: MockRoute = { path: /^\/admin\/calls\?/, body: { calls } };

describe('admin page', () => {
  let sockets: ReturnType<typeof installFakeSockets>;
  let subscribe: () => unknown;

  function start(user: UserDto, routes: MockRoute[] = [callsRoute]) {
    const fetchSpy = mockFetch(routes);
    connectSocket(signIn(user));
    return fetchSpy;
  }

  beforeEach(() => {
    subscribe = () => ok({ intervalMs: 2000, snapshot: snapshot(0) });
    sockets = installFakeSockets((s) => {
      s.handle('admin:subscribe', () => subscribe() as never);
      s.handle('admin:unsubscribe', () => ok({}));
    });
  });
  afterEach(() => {
    cleanup();
    useAuthStore.setState({ session: null, notice: null });
    disconnectSocket();
    setSocketFactory(null);
    useCallAnalyticsStore.getState().reset();
    vi.unstubAllGlobals();
  });

  it('sends a signed-out visitor to the login page', async () => {
    renderApp('/admin');
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('a non-admin sees "Not allowed" and nothing is requested', async () => {
    const fetchSpy = start(alice, [callsRoute, { path: '/rooms', body: [] }]);
    renderApp('/admin');
    const notice = await screen.findByRole('alert');
    expect(within(notice).getByRole('heading', { name: 'Not allowed' })).toBeInTheDocument();
    expect(notice).toHaveTextContent('This page is for administrators');
    expect(within(notice).getByRole('link', { name: 'Back to lobby' })).toHaveAttribute('href', '/');
    await act(() => new Promise((r) => setTimeout(r, 10)));
    expect(sockets.current.sent('admin:subscribe')).toHaveLength(0);
    expect(fetchSpy.mock.calls.filter(([u]) => String(u).includes('/admin/'))).toHaveLength(0);
  });

  it('the lobby header links to /admin for admins only', async () => {
    start(alice, [{ path: '/rooms', body: [] }]);
    const view = renderApp('/');
    await screen.findByText('No rooms yet. Create the first one.');
    expect(screen.queryByRole('link', { name: 'Admin' })).toBeNull();
    view.unmount();
    signIn(admin);
    renderApp('/');
    expect(await screen.findByRole('link', { name: 'Admin' })).toHaveAttribute('href', '/admin');
  });

  it('a FORBIDDEN answer from the server shows the same page', async () => {
    subscribe = () => fail('FORBIDDEN', 'Admins only');
    start(admin);
    renderApp('/admin');
    expect(await screen.findByRole('heading', { name: 'Not allowed' })).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('a FORBIDDEN answer from the calls API shows it too', async () => {
    start(admin, [{ path: /^\/admin\/calls\?/, status: 403, body: { statusCode: 403, error: { code: 'FORBIDDEN', message: 'Admins only' } } }]);
    renderApp('/admin');
    expect(await screen.findByRole('heading', { name: 'Not allowed' })).toBeInTheDocument();
  });

  it('renders totals, the CPU chart and the rooms table from a snapshot, and updates live', async () => {
    start(admin);
    renderApp('/admin');
    const rooms = await screen.findByRole('table', { name: 'Active rooms' });
    const row = within(rooms).getByRole('row', { name: /Stand-up/ });
    expect([...row.querySelectorAll('th, td')].map((c) => c.textContent)).toEqual(['Stand-up', '2', '2', '2', '640 kbit/s', '640 kbit/s', '4242 (1), 4243 (1)']);
    expect(screen.getByTestId('total-rooms')).toHaveTextContent('1');
    expect(screen.getByTestId('total-producers')).toHaveTextContent('1 audio · 1 video');
    expect(screen.getByTestId('total-bitrate-in')).toHaveTextContent('640 kbit/s');
    expect(screen.getByText('Collecting data…')).toBeInTheDocument();
    expect(document.querySelector('.live-status')).toHaveAttribute('data-state', 'live');
    expect(document.querySelector('.live-status')).toHaveTextContent('Live · updated just now · every 2 s');

    act(() => sockets.current.serverEmit('admin:stats', snapshot(1, { bitrate: 2_000_000 })));
    expect(within(rooms).getByRole('row', { name: /Stand-up/ })).toHaveTextContent('2.04 Mbit/s');
    const chart = screen.getByRole('img', { name: /CPU/ });
    expect(chart).toHaveAccessibleName(/Server \(pid 100\) 4 %, Worker 4242 11 %/);
    expect(chart.querySelectorAll('polyline')).toHaveLength(2);
    const processes = screen.getByRole('table', { name: 'Processes' });
    expect(within(processes).getByRole('row', { name: /Server 100/ })).toHaveTextContent('up 1 min 02 s');
    const worker = within(processes).getByRole('row', { name: /Worker 4242/ });
    expect([...worker.querySelectorAll('th, td')].map((c) => c.textContent)).toEqual(['Worker 4242', 'Alive', '11 %', '60 MiB', '1']);
    expect(screen.getByText(/updated/)).toBeInTheDocument();
  });

  it('drills down into a room: per-peer producers and consumers with sparklines', async () => {
    start(admin);
    renderApp('/admin');
    const rooms = await screen.findByRole('table', { name: 'Active rooms' });
    act(() => sockets.current.serverEmit('admin:stats', snapshot(1, { bitrate: 700_000 })));
    await userEvent.click(within(rooms).getByRole('link', { name: 'Stand-up' }));

    expect(await screen.findByRole('heading', { name: 'Stand-up' })).toBeInTheDocument();
    // The room spans two workers: each router's worker pid with the peers homed there.
    expect(screen.getByText('Workers').nextElementSibling).toHaveTextContent('4242 (1), 4243 (1)');
    const producers = screen.getByRole('table', { name: 'Producers of alice' });
    const cam = within(producers).getByRole('row', { name: /camera/ });
    expect([...cam.querySelectorAll('th, td')].map((c) => c.textContent)).toEqual(['video · camera', 'video/VP8', '700 kbit/s', '10/10', (1200).toLocaleString(), 'Active']);
    expect(within(cam).getByRole('img', { name: 'Bitrate history, now 700 kbit/s' })).toBeInTheDocument();
    expect(within(producers).getByRole('row', { name: /mic/ })).toHaveTextContent('Paused');

    // Transports: path, addresses, bandwidth estimate, resends, ICE/DTLS state (a peer without the field shows none).
    const transports = screen.getByRole('table', { name: 'Transports of alice' });
    const send = within(transports).getByRole('row', { name: /^send/ });
    expect([...send.querySelectorAll('th, td')].map((c) => c.textContent)).toEqual(['send', 'UDP', '198.51.100.7:51000', '10.0.0.2:40000', '—', '640 kbit/s', '2.0 kbit/s', '—', 'ICE completed · DTLS connected']);
    const recv = within(transports).getByRole('row', { name: /^recv/ });
    expect(within(recv).getByTestId('available-outgoing')).toHaveTextContent('1.50 Mbit/s');
    expect(within(recv).getByTestId('retransmit-out')).toHaveTextContent('24 kbit/s');
    expect(within(recv).getByText('TCP')).toBeInTheDocument();
    expect(within(recv).getByTestId('transport-state')).toHaveClass('badge--live');
    expect(screen.queryByRole('table', { name: 'Transports of bob' })).toBeNull();

    const consumers = screen.getByRole('table', { name: 'Consumers of bob' });
    const camIn = within(consumers).getByRole('row', { name: /camera/ });
    expect([...camIn.querySelectorAll('th, td')].map((c) => c.textContent)).toEqual(["alice's camera (video)", 'video/VP8', '700 kbit/s', '9/10', '1.5 %', '2', 'Active']);
    expect(within(consumers).getByRole('row', { name: /mic/ })).toHaveTextContent('—');

    // The room empties: the drill-down says so instead of showing stale numbers.
    act(() => sockets.current.serverEmit('admin:stats', snapshot(2, { rooms: [] })));
    expect(screen.getByRole('heading', { name: 'No live call' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('link', { name: '← All rooms' }));
    expect(await screen.findByText('No room has media on the server right now.')).toBeInTheDocument();
    // Moving between admin pages keeps one subscription.
    expect(sockets.current.sent('admin:subscribe')).toHaveLength(1);
  });

  it('unsubscribes when leaving the page', async () => {
    start(admin);
    const view = renderApp('/admin');
    await screen.findByRole('table', { name: 'Active rooms' });
    view.unmount();
    expect(sockets.current.sent('admin:unsubscribe')).toHaveLength(1);
    expect(useAdminLiveStore.getState().history).toEqual([]);
  });

  it('lists calls for the last 7 days by default; running calls are "live"; the range can change', async () => {
    const fetchSpy = start(admin);
    renderApp('/admin');
    const table = await screen.findByRole('table', { name: 'Calls' });
    const [, live, ended] = within(table).getAllByRole('row');
    expect(live).toHaveTextContent('Stand-up');
    expect(within(live!).getByText('live')).toBeInTheDocument();
    expect(live!.querySelector('.calls__names')).toHaveTextContent(/^alice, bob$/);
    expect(ended).toHaveTextContent('47 min 12 s');
    expect(ended).toHaveTextContent('carol');

    const first = new URL(String(fetchSpy.mock.calls.find(([u]) => String(u).includes('/admin/calls'))![0]));
    const from = Date.parse(first.searchParams.get('from')!);
    const to = Date.parse(first.searchParams.get('to')!);
    expect(Math.round((to - from) / 86_400_000)).toBe(8); // 7 days back to the end of today
    expect(to).toBeGreaterThan(Date.now());

    const fromInput = screen.getByLabelText('From');
    await userEvent.clear(fromInput);
    await userEvent.type(fromInput, '2026-03-01');
    const toInput = screen.getByLabelText('To');
    await userEvent.clear(toInput);
    await userEvent.type(toInput, '2026-02-01');
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText('Choose both dates, the start on or before the end.')).toBeInTheDocument();

    await userEvent.clear(toInput);
    await userEvent.type(toInput, '2026-03-02');
    const before = fetchSpy.mock.calls.length;
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(fetchSpy.mock.calls.length).toBe(before + 1));
    const url = new URL(String(fetchSpy.mock.calls.at(-1)![0]));
    expect(url.searchParams.get('from')).toBe(new Date('2026-03-01T00:00:00').toISOString());
    expect(url.searchParams.get('to')).toBe(new Date('2026-03-02T23:59:59.999').toISOString());
  });
});
