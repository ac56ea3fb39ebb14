import type { ChatMessage, JoinRoomData } from '@minimeet/shared';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectSocket } from '../../lib/socket';
import { fail, installFakeSockets, ok } from '../../test/fakeSocket';
import { alice, endCallPageTest, joinFromPreJoin, renderApp, renderCall, signIn, stubRoomPreview } from '../../test/render';
import { useCallStore } from './callStore';

const joinData: JoinRoomData = {
  room: { id: 5, name: 'Stand-up', ownerId: 1, maxParticipants: 8, visibility: 'public', locked: false, joinMuted: false, allowGuests: false, lobby: 'off', recordingAccess: 'moderators', recording: false, kind: 'meeting', participantCount: 3, createdAt: '2026-01-01T00:00:00Z' },
  participants: [
    { userId: 1, username: 'alice', role: 'speaker' },
    { userId: 2, username: 'bob', role: 'speaker' },
    { userId: 3, username: 'carol', role: 'speaker' },
  ],
  participantsCursor: null,
};
const message = (id: number, from = { id: 2, username: 'bob' }, content = `hello ${id}`): ChatMessage => ({
  id,
  roomId: 5,
  sender: from,
  content,
  createdAt: new Date(2026, 0, 1, 12, id).toISOString(),
  clientMessageId: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
  attachments: [],
});

describe('call page', () => {
  let sockets: ReturnType<typeof installFakeSockets>;
  beforeEach(() => {
    sockets = installFakeSockets((s) => {
      s.handle('joinRoom', () => ok(joinData));
      s.handle('leaveRoom', ({ roomId }) => ok({ roomId }));
      s.handle('loadMessageHistory', ({ before }) =>
        ok(before ? { messages: [message(1)], hasMore: false } : { messages: [message(2), message(3)], hasMore: true }),
      );
      s.handle('sendMessage', (p) => ok({ message: { ...message(10, { id: 1, username: 'alice' }, p.content), clientMessageId: p.clientMessageId } }));
    });
    const token = signIn();
    connectSocket(token);
  });
  afterEach(endCallPageTest);

  it('connection indicator: "Reconnecting…" when a media transport drops, "Poor connection" and a weak-signal badge on low scores', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      await renderCall('/rooms/5');
      const grid = await screen.findByRole('region', { name: 'Video' });
      const indicator = () => document.querySelector('.call__header .conn')!;
      const store = useCallStore.getState();
      act(() => {
        store.upsertRemoteTrack({ key: 'p-bob-cam', userId: 2, source: 'camera', kind: 'video', paused: false, track: null });
        store.upsertRemoteTrack({ key: 'p-carol-cam', userId: 3, source: 'camera', kind: 'video', paused: false, track: null });
        store.setTransportState('send', 'connected');
        store.setTransportState('recv', 'connected');
      });
      expect(indicator()).toHaveAttribute('data-state', 'connected');

      act(() => store.setTransportState('recv', 'disconnected'));
      expect(screen.getByTestId('media-banner')).toHaveTextContent('Reconnecting audio and video…');
      expect(indicator()).toHaveAttribute('data-state', 'reconnecting');
      act(() => store.setTransportState('recv', 'connected'));
      expect(screen.queryByTestId('media-banner')).toBeNull();

      // Bob's stream reaches us badly; carol's is fine: a badge on bob's tile after a few seconds, no banner.
      act(() => store.setDownlinkScore('p-bob-cam', { score: 2, producerScore: 10 }));
      act(() => store.setDownlinkScore('p-carol-cam', { score: 10, producerScore: 10 }));
      expect(within(grid).getByRole('figure', { name: 'bob' })).not.toHaveAttribute('data-weak');
      await act(() => vi.advanceTimersByTimeAsync(3500));
      expect(within(grid).getByRole('figure', { name: 'bob' })).toHaveAttribute('data-weak', 'true');
      expect(within(within(grid).getByRole('figure', { name: 'bob' })).getByTestId('weak-signal')).toBeInTheDocument();
      expect(within(grid).getByRole('figure', { name: 'carol' })).not.toHaveAttribute('data-weak');
      expect(screen.queryByTestId('poor-connection-banner')).toBeNull();

      // Our own uplink low for a few seconds: "Poor connection".
      act(() => store.setUplinkScore('camera', 3));
      await act(() => vi.advanceTimersByTimeAsync(3500));
      expect(screen.getByTestId('poor-connection-banner')).toHaveTextContent('Poor connection');
      expect(indicator()).toHaveAttribute('data-state', 'poor');
      expect(indicator()).toHaveTextContent('Poor connection');
      // It recovers: banner and badge go.
      act(() => {
        store.setUplinkScore('camera', 9);
        store.setDownlinkScore('p-bob-cam', { score: 9, producerScore: 10 });
      });
      expect(screen.queryByTestId('poor-connection-banner')).toBeNull();
      expect(within(grid).getByRole('figure', { name: 'bob' })).not.toHaveAttribute('data-weak');
      expect(indicator()).toHaveAttribute('data-state', 'connected');
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows remote tiles as figures named by username, and the controls with their labels', async () => {
    stubRoomPreview();
    renderApp('/rooms/5');
    // No media devices in jsdom: the pre-join screen says so, and joining still works.
    expect(await screen.findByText(/cannot access a camera or microphone/)).toBeInTheDocument();
    await joinFromPreJoin();
    expect(await screen.findByRole('heading', { name: 'Stand-up' })).toBeInTheDocument();
    const grid = await screen.findByRole('region', { name: 'Video' });
    const remote = grid.querySelectorAll('figure[data-user]');
    expect([...remote].map((f) => [f.getAttribute('data-user'), f.getAttribute('aria-label')])).toEqual([
      ['bob', 'bob'],
      ['carol', 'carol'],
    ]);
    expect(within(grid).getByRole('figure', { name: 'bob' })).toHaveAttribute('data-mic', 'off');
    expect(grid.querySelector('figure[data-local]')).toHaveAccessibleName('You (alice)');

    // No media devices in jsdom: controls still render as real buttons.
    expect(screen.getByRole('button', { name: 'Unmute microphone' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Turn camera on' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Leave call' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Share screen/ })).toBeInTheDocument();
  });

  it('toggles labels as local state changes', async () => {
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Stand-up' });
    const fakeTrack = { enabled: true, stop() {}, getSettings: () => ({}) } as unknown as MediaStreamTrack;
    act(() => useCallStore.setState({ local: { ...useCallStore.getState().local, micTrack: fakeTrack, micOn: true } }));
    await userEvent.click(screen.getByRole('button', { name: 'Mute microphone' }));
    expect(fakeTrack.enabled).toBe(false);
    expect(screen.getByRole('button', { name: 'Unmute microphone' })).toBeInTheDocument();
    act(() => useCallStore.setState({ local: { ...useCallStore.getState().local, cameraOn: true, sharing: true } }));
    expect(screen.getByRole('button', { name: 'Turn camera off' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Stop sharing' })).toBeInTheDocument();
  });

  it('sends and receives chat, pages history, and badges new messages when chat is hidden', async () => {
    await renderCall('/rooms/5');
    const input = await screen.findByLabelText('Message');
    await screen.findByText('hello 3');
    await userEvent.type(input, 'hi all{Enter}');
    expect(await screen.findByText('hi all')).toBeInTheDocument();
    expect(sockets.current.sent('sendMessage')).toEqual([expect.objectContaining({ roomId: 5, content: 'hi all' })]);

    await userEvent.click(screen.getByRole('button', { name: 'Load earlier messages' }));
    expect(await screen.findByText('hello 1')).toBeInTheDocument();
    expect(sockets.current.sent('loadMessageHistory').at(-1)).toMatchObject({ before: 2 });

    await userEvent.click(screen.getByRole('button', { name: 'Hide chat' }));
    act(() => sockets.current.serverEmit('newMessage', { message: message(11) }));
    expect(screen.getByRole('button', { name: 'Show chat (1 unread)' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Show chat (1 unread)' }));
    expect(await screen.findByText('hello 11')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Hide chat' })).toBeInTheDocument();
  });

  it('updates the participants list live', async () => {
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Stand-up' });
    await userEvent.click(screen.getByRole('button', { name: 'Show participants (3)' }));
    const list = screen.getByRole('list', { name: 'Participants' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(3);
    act(() => sockets.current.serverEmit('participantsDelta', { roomId: 5, joined: [], left: [3], changed: [] }));
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(screen.getByRole('region', { name: 'Video' }).querySelectorAll('figure[data-user]')).toHaveLength(1);
  });

  it('shows the reconnecting banner while the socket is down and rejoins', async () => {
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Stand-up' });
    act(() => sockets.current.simulateDisconnect('transport close'));
    expect(screen.getByTestId('reconnecting-banner')).toHaveTextContent(/Reconnecting/);
    act(() => sockets.current.simulateConnect());
    await waitFor(() => expect(screen.queryByTestId('reconnecting-banner')).toBeNull());
    expect(sockets.current.sent('joinRoom')).toHaveLength(2);
  });

  it('a full room is a readable error with a way back', async () => {
    sockets.current.handle('joinRoom', () => fail('ROOM_FULL', 'Room is full'));
    await renderCall('/rooms/5');
    expect(await screen.findByRole('heading', { name: 'Cannot join this room' })).toBeInTheDocument();
    expect(screen.getByText(/room is full/i)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to lobby' })).toHaveAttribute('href', '/');
  });

  it('leave tells the server and returns to the lobby', async () => {
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Stand-up' });
    await userEvent.click(screen.getByRole('button', { name: 'Leave call' }));
    expect(sockets.current.sent('leaveRoom')).toEqual([{ roomId: 5 }]);
    expect(await screen.findByRole('heading', { name: 'Rooms' })).toBeInTheDocument();
  });

  it('an invalid room id shows a message, not a blank page', async () => {
    renderApp('/rooms/abc');
    expect(await screen.findByRole('heading', { name: 'Room not found' })).toBeInTheDocument();
    expect(alice.username).toBe('alice');
  });
});
