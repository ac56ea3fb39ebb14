import type { JoinRoomData, RoomDto } from '@minimeet/shared';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectSocket } from '../../lib/socket';
import { fail, installFakeSockets, ok } from '../../test/fakeSocket';
import { mockFetch } from '../../test/fetchMock';
import { alice, endCallPageTest, renderApp, renderCall, signIn } from '../../test/render';
import { useAuthStore } from '../auth/authStore';
import { useLobbyStore } from '../lobby/lobbyStore';
import { useCallStore } from './callStore';
import { testRoom } from '../../test/rooms';

const room: RoomDto = testRoom();
const joinData: JoinRoomData = {
  room,
  participants: [
    { userId: 1, username: 'alice', role: 'speaker' },
    { userId: 2, username: 'bob', role: 'speaker' },
  ],
  participantsCursor: null,
};
const bob = { id: 2, username: 'bob', role: 'user' as const };

describe('private rooms and moderation in the call page', () => {
  let sockets: ReturnType<typeof installFakeSockets>;
  let fetchSpy: ReturnType<typeof mockFetch>;

  function start(user = alice) {
    const token = signIn(user);
    connectSocket(token);
  }

  beforeEach(() => {
    sockets = installFakeSockets((s) => {
      s.handle('joinRoom', () => ok(joinData));
      s.handle('leaveRoom', ({ roomId }) => ok({ roomId }));
      s.handle('loadMessageHistory', () => ok({ messages: [], hasMore: false }));
      s.handle('muteParticipant', (p) => ok(p));
      s.handle('removeParticipant', (p) => ok(p));
      s.handle('endCall', (p) => ok(p));
    });
    fetchSpy = mockFetch([
      { path: '/rooms/5/invite', body: { roomId: 5, inviteToken: 'tok-1' } },
      { method: 'POST', path: '/rooms/5/invite/rotate', body: { roomId: 5, inviteToken: 'tok-2' } },
      { method: 'PATCH', path: '/rooms/5', body: { ...room, locked: true } },
    ]);
  });
  afterEach(async () => {
    await endCallPageTest();
    vi.unstubAllGlobals();
  });

  async function openPeople() {
    await screen.findByRole('heading', { name: 'Stand-up' });
    await userEvent.click(screen.getByRole('button', { name: /Show participants/ }));
  }

  it('the owner gets host controls: invite link (and a new one), lock, mute, remove, end call', async () => {
    start();
    await renderCall('/rooms/5');
    await openPeople();
    const link = await screen.findByLabelText('Invite link');
    await waitFor(() => expect(link).toHaveValue(`${window.location.origin}/rooms/5?invite=tok-1`));
    await userEvent.click(screen.getByRole('button', { name: 'New link' }));
    await waitFor(() => expect(link).toHaveValue(`${window.location.origin}/rooms/5?invite=tok-2`));

    await userEvent.click(screen.getByRole('checkbox', { name: /Lock room/ }));
    await waitFor(() => expect(screen.getByRole('checkbox', { name: /Lock room/ })).toBeChecked());
    const patch = fetchSpy.mock.calls.find(([, init]) => init?.method === 'PATCH');
    expect(JSON.parse(String(patch![1]!.body))).toEqual({ locked: true });

    const row = screen
      .getByRole('list', { name: 'Participants' })
      .querySelector('[data-user="bob"]') as HTMLElement;
    // bob's mic is off (no producer yet): muting it is pointless, removing is not.
    expect(within(row).getByRole('button', { name: "Mute bob's microphone" })).toBeDisabled();
    act(() =>
      useCallStore
        .getState()
        .upsertRemoteTrack({
          key: 'p1',
          userId: 2,
          source: 'mic',
          kind: 'audio',
          paused: false,
          track: null,
        }),
    );
    await userEvent.click(within(row).getByRole('button', { name: "Mute bob's microphone" }));
    expect(sockets.current.sent('muteParticipant')).toEqual([{ roomId: 5, userId: 2, source: 'mic' }]);
    await userEvent.click(within(row).getByRole('button', { name: 'Remove bob from the room' }));
    expect(sockets.current.sent('removeParticipant')).toEqual([{ roomId: 5, userId: 2 }]);
    // No moderation buttons on your own row.
    const own = screen
      .getByRole('list', { name: 'Participants' })
      .querySelector('[data-user="alice"]') as HTMLElement;
    expect(within(own).queryByRole('button')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'End call for everyone' }));
    expect(sockets.current.sent('endCall')).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Yes, end it' }));
    expect(sockets.current.sent('endCall')).toEqual([{ roomId: 5 }]);
  });

  it('a participant who is not the owner sees no host controls or moderation buttons', async () => {
    start(bob);
    await renderCall('/rooms/5');
    await openPeople();
    expect(screen.queryByRole('heading', { name: 'Host controls' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Remove/ })).toBeNull();
    expect(fetchSpy.mock.calls.some(([url]) => String(url).includes('/invite'))).toBe(false);
  });

  it('tells the affected user: muted (notice), removed, call ended', async () => {
    start(bob);
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Stand-up' });
    act(() =>
      sockets.current.serverEmit('moderatorMuted', {
        roomId: 5,
        source: 'mic',
        byUserId: 1,
        byUsername: 'alice',
      }),
    );
    expect(screen.getByTestId('call-notice')).toHaveTextContent('The host (alice) muted your microphone.');
    expect(screen.getByRole('button', { name: 'Unmute microphone' })).toBeInTheDocument();

    act(() =>
      sockets.current.serverEmit('removedFromRoom', {
        roomId: 5,
        reason: 'removed',
        byUserId: 1,
        byUsername: 'alice',
      }),
    );
    expect(await screen.findByRole('heading', { name: 'You were removed' })).toBeInTheDocument();
    expect(screen.getByText('You were removed from this room by alice.')).toBeInTheDocument();
  });

  it('shows "the host ended the call" to everyone', async () => {
    start(bob);
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Stand-up' });
    act(() => sockets.current.serverEmit('callEnded', { roomId: 5, byUserId: 1, byUsername: 'alice' }));
    expect(await screen.findByRole('heading', { name: 'The host ended the call' })).toBeInTheDocument();
  });

  it('a demoted admin leaves the private room it was in only as an admin, and is told why', async () => {
    start(bob);
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Stand-up' });
    act(() => sockets.current.serverEmit('roleChanged', { role: 'user', leftRoomIds: [] }));
    expect(screen.getByRole('heading', { name: 'Stand-up' })).toBeInTheDocument();
    act(() => sockets.current.serverEmit('roleChanged', { role: 'user', leftRoomIds: [5] }));
    expect(
      await screen.findByText(
        'You were in this private room as an admin; you are no longer one. Ask for an invite link.',
      ),
    ).toBeInTheDocument();
  });

  it('an invite link joins with its token; missing-or-private, locked and removed refusals say why', async () => {
    start(bob);
    await renderCall('/rooms/5?invite=abc123');
    await screen.findByRole('heading', { name: 'Stand-up' });
    expect(sockets.current.sent('joinRoom')).toEqual([{ roomId: 5, inviteToken: 'abc123' }]);
    cleanup();
    await useCallStore.getState().leave();

    // A stale invite answers like a missing room (the server does not tell the two apart).
    sockets.current.handle('joinRoom', () => fail('NOT_FOUND', 'Room not found'));
    await renderCall('/rooms/5?invite=old');
    expect(await screen.findByRole('heading', { name: 'Room not found' })).toBeInTheDocument();
    expect(screen.getByText(/This invite link is no longer valid/)).toBeInTheDocument();
    cleanup();
    await useCallStore.getState().leave();

    for (const [code, heading, text] of [
      [
        'NOT_FOUND',
        'Room not found',
        'This room does not exist, has been deleted, or is private: open it with its invite link.',
      ],
      ['ROOM_LOCKED', 'This room is locked', 'This room is locked: nobody new can join right now.'],
      ['REMOVED_FROM_ROOM', 'You were removed', /You were removed from this room/],
    ] as const) {
      sockets.current.handle('joinRoom', () => fail(code, 'refused'));
      await renderCall('/rooms/5');
      expect(await screen.findByRole('heading', { name: heading })).toBeInTheDocument();
      expect(screen.getByText(text)).toBeInTheDocument();
      cleanup();
      await useCallStore.getState().leave();
    }
  });

  it('roomUpdated from the server updates the lock toggle', async () => {
    start();
    await renderCall('/rooms/5');
    await openPeople();
    expect(screen.getByRole('checkbox', { name: /Lock room/ })).not.toBeChecked();
    act(() =>
      sockets.current.serverEmit('roomUpdated', { room: { ...room, locked: true, visibility: 'private' } }),
    );
    expect(screen.getByRole('checkbox', { name: /Lock room/ })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: /Private room/ })).toBeChecked();
  });
});

describe('lobby create form', () => {
  afterEach(() => {
    cleanup();
    useAuthStore.setState({ session: null });
    useLobbyStore.setState({ rooms: [], status: 'idle', error: null });
    vi.unstubAllGlobals();
  });

  it('creates a private room when the toggle is on', async () => {
    signIn();
    const spy = mockFetch([
      { path: '/rooms', body: [] },
      { method: 'POST', path: '/rooms', status: 201, body: { ...room, id: 9, visibility: 'private' } },
    ]);
    renderApp('/');
    await userEvent.type(screen.getByLabelText('Room name'), 'Secret');
    await userEvent.click(screen.getByRole('checkbox', { name: /Private room/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Create and join' }));
    await waitFor(() => expect(spy.mock.calls.some(([, init]) => init?.method === 'POST')).toBe(true));
    const post = spy.mock.calls.find(([, init]) => init?.method === 'POST')!;
    expect(JSON.parse(String(post[1]!.body))).toEqual({
      name: 'Secret',
      maxParticipants: 8,
      visibility: 'private',
    });
  });
});
