import type { JoinRoomData, LobbyEntry, RoomDto } from '@minimeet/shared';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectSocket } from '../../lib/socket';
import { fail, installFakeSockets, ok } from '../../test/fakeSocket';
import { mockFetch } from '../../test/fetchMock';
import { alice, endCallPageTest, renderCall, signIn } from '../../test/render';
import { testRoom } from '../../test/rooms';

const room: RoomDto = testRoom({ allowGuests: true, lobby: 'guests', participantCount: 1 });
const bob = { id: 2, username: 'bob', role: 'user' as const };
const grace: LobbyEntry = { userId: 7, username: 'Grace', guest: true, since: '2026-01-01T00:00:01Z' };
const dan: LobbyEntry = { userId: 8, username: 'Dan', since: '2026-01-01T00:00:02Z' };

function joinData(lobbyWaiting?: LobbyEntry[]): JoinRoomData {
  return {
    room,
    participants: [{ userId: 1, username: 'alice', role: 'host' }],
    participantsCursor: null,
    ...(lobbyWaiting ? { lobbyWaiting } : {}),
  };
}

/** Records the tones the knock plays (jsdom has no WebAudio). */
const tones: number[] = [];
class FakeAudioContext {
  state = 'running';
  currentTime = 0;
  destination = {};
  createOscillator() {
    const osc = {
      type: 'sine',
      frequency: { value: 0 },
      connect: (n: unknown) => n,
      start: () => tones.push(osc.frequency.value),
      stop: () => undefined,
      onended: null,
    };
    return osc;
  }
  createGain() {
    return {
      gain: { setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined },
      connect: (n: unknown) => n,
      disconnect: () => undefined,
    };
  }
  resume() {
    return Promise.resolve();
  }
}

describe('the lobby in the call page', () => {
  let sockets: ReturnType<typeof installFakeSockets>;
  let fetchSpy: ReturnType<typeof mockFetch>;
  /** Whether joinRoom lets us in (the host always is; a waiter once a moderator admitted them). */
  let admitted = false;

  beforeEach(() => {
    admitted = false;
    tones.length = 0;
    vi.stubGlobal('AudioContext', FakeAudioContext);
    sockets = installFakeSockets((s) => {
      s.handle('joinRoom', () =>
        admitted ? ok(joinData([])) : fail('WAITING_IN_LOBBY', 'Waiting for the host to let you in'),
      );
      s.handle('leaveRoom', ({ roomId }) => ok({ roomId }));
      s.handle('loadMessageHistory', () => ok({ messages: [], hasMore: false }));
      s.handle('admitParticipant', () => ok({ roomId: 5, waiting: [dan] }));
      s.handle('denyParticipant', () => ok({ roomId: 5, waiting: [] }));
      s.handle('admitAll', () => ok({ roomId: 5, waiting: [] }));
    });
    fetchSpy = mockFetch([
      { path: '/rooms/5/invite', body: { roomId: 5, inviteToken: 'tok-1' } },
      { method: 'PATCH', path: '/rooms/5', body: { ...room, lobby: 'everyone' } },
    ]);
  });
  afterEach(async () => {
    await endCallPageTest();
    vi.unstubAllGlobals();
  });

  it('a joiner told to wait sees the waiting view, then joins once admitted', async () => {
    connectSocket(signIn(bob));
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Waiting for the host to let you in' });
    // No camera in jsdom: the pre-join screen handed over none, and the waiting view says it is off.
    expect(await screen.findByRole('img', { name: 'Camera off' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Leave' })).toBeInTheDocument();
    expect(sockets.current.sent('joinRoom')).toHaveLength(1);

    admitted = true;
    act(() => sockets.current.serverEmit('lobbyAdmitted', { roomId: 5 }));
    await screen.findByRole('heading', { name: 'Stand-up' });
    expect(sockets.current.sent('joinRoom')).toHaveLength(2);
  });

  it('back after a drop into a call that ended meanwhile, you wait in the lobby again', async () => {
    admitted = true;
    connectSocket(signIn(bob));
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Stand-up' });
    admitted = false;
    act(() => sockets.current.simulateDisconnect('transport close'));
    act(() => sockets.current.simulateConnect());
    await screen.findByRole('heading', { name: 'Waiting for the host to let you in' });
    admitted = true;
    act(() => sockets.current.serverEmit('lobbyAdmitted', { roomId: 5 }));
    await screen.findByRole('heading', { name: 'Stand-up' });
  });

  it('a denied joiner is told, with a way back', async () => {
    connectSocket(signIn(bob));
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Waiting for the host to let you in' });
    // Another room's decision is not ours.
    act(() => sockets.current.serverEmit('lobbyDenied', { roomId: 6 }));
    expect(screen.getByRole('heading', { name: 'Waiting for the host to let you in' })).toBeInTheDocument();
    act(() => sockets.current.serverEmit('lobbyDenied', { roomId: 5 }));
    await screen.findByRole('heading', { name: 'The host did not let you in' });
    expect(screen.getByRole('link', { name: 'Back to lobby' })).toBeInTheDocument();
  });

  it('leaving the waiting view takes you off the list (leaveRoom)', async () => {
    connectSocket(signIn(bob));
    await renderCall('/rooms/5');
    await userEvent.click(await screen.findByRole('button', { name: 'Leave' }));
    await waitFor(() => expect(sockets.current.sent('leaveRoom')).toEqual([{ roomId: 5 }]));
  });

  it('the host hears a knock, sees the badge and banner, and admits, denies or admits all', async () => {
    admitted = true;
    connectSocket(signIn(alice));
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Stand-up' });
    expect(screen.queryByText(/waiting in the lobby/)).toBeNull();

    act(() => sockets.current.serverEmit('lobbyUpdate', { roomId: 5, waiting: [grace] }));
    expect(tones.length).toBeGreaterThan(0);
    expect(screen.getByText('Grace (guest) is waiting in the lobby')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Show participants \(1\), 1 waiting in the lobby/ })).toBeInTheDocument();
    expect(screen.getByTestId('lobby-badge')).toHaveTextContent('1');

    // The same list again (someone else's update) rings no second time; a newcomer does.
    const rung = tones.length;
    act(() => sockets.current.serverEmit('lobbyUpdate', { roomId: 5, waiting: [grace] }));
    expect(tones.length).toBe(rung);
    act(() => sockets.current.serverEmit('lobbyUpdate', { roomId: 5, waiting: [grace, dan] }));
    expect(tones.length).toBeGreaterThan(rung);
    expect(screen.getByText('2 people are waiting in the lobby')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'View lobby' }));
    const list = await screen.findByRole('list', { name: 'Waiting in the lobby' });
    expect(within(list).getAllByRole('listitem').map((li) => li.getAttribute('data-user'))).toEqual(['Grace', 'Dan']);
    expect(within(list).getByText('(guest)')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Admit Grace' }));
    expect(sockets.current.sent('admitParticipant')).toEqual([{ roomId: 5, userId: 7 }]);
    // The answer is the list after the decision.
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Admit Grace' })).toBeNull());
    await userEvent.click(screen.getByRole('button', { name: 'Deny Dan' }));
    expect(sockets.current.sent('denyParticipant')).toEqual([{ roomId: 5, userId: 8 }]);
    await waitFor(() => expect(screen.queryByRole('list', { name: 'Waiting in the lobby' })).toBeNull());

    act(() => sockets.current.serverEmit('lobbyUpdate', { roomId: 5, waiting: [grace, dan] }));
    await userEvent.click(screen.getByRole('button', { name: 'Admit all' }));
    expect(sockets.current.sent('admitAll')).toEqual([{ roomId: 5 }]);
    await waitFor(() => expect(screen.queryByTestId('lobby-badge')).toBeNull());
  });

  it('the host sets who waits from the host controls', async () => {
    admitted = true;
    connectSocket(signIn(alice));
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Stand-up' });
    await userEvent.click(screen.getByRole('button', { name: /Show participants/ }));
    const select = await screen.findByRole('combobox', { name: 'Lobby' });
    expect(select).toHaveValue('guests');
    await userEvent.selectOptions(select, 'everyone');
    await waitFor(() => expect(select).toHaveValue('everyone'));
    const patch = fetchSpy.mock.calls.find(([, init]) => init?.method === 'PATCH');
    expect(JSON.parse(String(patch![1]!.body))).toEqual({ lobby: 'everyone' });
  });
});
