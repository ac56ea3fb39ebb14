/**
 * Issue 19 item 4: the call page with 200 people. Paged grid (page size by width, "N more",
 * arrows and keys), speaker view, a virtualized searchable participant list, the hand queue,
 * reactions shown briefly, join muted and mute everyone. Fake socket, real store and components.
 */
import { REACTION_SHOW_MS, type JoinRoomData, type Participant } from '@minimeet/shared';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectSocket, disconnectSocket, setSocketFactory } from '../../lib/socket';
import { installFakeSockets, ok } from '../../test/fakeSocket';
import { renderCall, signIn } from '../../test/render';
import { useAuthStore } from '../auth/authStore';
import { useCallStore } from './callStore';

const PEOPLE = 200;
/** Generous waits: the machine is shared and 200 tiles' worth of rendering is slow under load. */
const SLOW = { timeout: 10_000 };
const participants: Participant[] = [
  { userId: 1, username: 'alice', role: 'speaker' },
  ...Array.from({ length: PEOPLE - 1 }, (_, i) => ({ userId: i + 2, username: `user_${String(i + 2).padStart(3, '0')}`, role: 'speaker' as const })),
];
const room = {
  id: 5,
  name: 'All hands',
  ownerId: 1,
  maxParticipants: 200,
  visibility: 'public' as const,
  locked: false,
  joinMuted: false,
  allowGuests: false,
  lobby: 'off' as const,
  recordingAccess: 'moderators' as const,
  recording: false,
  kind: 'meeting' as const,
  participantCount: PEOPLE,
  createdAt: '2026-01-01T00:00:00Z',
};
const joinData: JoinRoomData = {
  room,
  participants,
  participantsCursor: null,
  hands: [{ userId: 7, username: 'user_007', raisedAt: '2026-01-01T00:00:01Z' }],
};

/** jsdom lays nothing out: give the stage a width so the page size follows it. */
let stageWidth = 1280;
const realWidth = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth');
const realHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => stageWidth });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 720 });
});
afterAll(() => {
  if (realWidth) Object.defineProperty(HTMLElement.prototype, 'clientWidth', realWidth);
  if (realHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', realHeight);
});

const stage = () => screen.getByRole('region', { name: 'Video' });
const tileNames = () => [...stage().querySelectorAll('figure')].map((f) => f.getAttribute('aria-label'));

describe('call page with 200 people', { timeout: 60_000 }, () => {
  let sockets: ReturnType<typeof installFakeSockets>;
  let joinAnswer: JoinRoomData;
  beforeEach(() => {
    stageWidth = 1280;
    joinAnswer = joinData;
    sockets = installFakeSockets((s) => {
      s.handle('joinRoom', () => ok(joinAnswer));
      s.handle('leaveRoom', ({ roomId }) => ok({ roomId }));
      s.handle('loadMessageHistory', () => ok({ messages: [], hasMore: false }));
      s.handle('raiseHand', ({ roomId }) => ok({ roomId, hands: [...joinData.hands!, { userId: 1, username: 'alice', raisedAt: '2026-01-01T00:00:02Z' }] }));
      s.handle('lowerHand', ({ roomId }) => ok({ roomId, hands: [] }));
      s.handle('sendReaction', (p) => ok(p));
      s.handle('muteAll', ({ roomId }) => ok({ roomId }));
    });
    connectSocket(signIn());
  });
  afterEach(async () => {
    cleanup();
    await useCallStore.getState().leave();
    useCallStore.setState({ status: 'idle', error: null, sidePanel: 'chat', stageView: 'grid' });
    useAuthStore.setState({ session: null });
    disconnectSocket();
    setSocketFactory(null);
    vi.useRealTimers();
  });

  it('pages the grid by screen width with "N more" on the last tile, and moves by arrows and keys', async () => {
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'All hands' }, { timeout: 10_000 });
    // Wide screen: 4×4; you first, then everyone by name.
    await waitFor(() => expect(tileNames()).toHaveLength(16), SLOW);
    expect(tileNames()[0]).toBe('You (alice)');
    expect(tileNames()[1]).toBe('user_002');
    expect(screen.getByText('Page 1 of 13')).toBeInTheDocument();
    const more = within(stage()).getByRole('button', { name: '184 more: next page' });
    expect(more.closest('figure')).toHaveAccessibleName('user_016');

    // Off-page tiles are reported unseen, so their video is not received.
    const viewports = useCallStore.getState().tileViewports;
    expect(viewports['user:100']).toEqual({ visible: false, width: 0, height: 0 });
    expect(viewports['user:2']).toBeUndefined();

    await userEvent.click(more);
    expect(screen.getByText('Page 2 of 13')).toBeInTheDocument();
    expect(tileNames()[0]).toBe('user_017');
    expect(useCallStore.getState().tileViewports['user:2']).toEqual({ visible: false, width: 0, height: 0 });

    await userEvent.keyboard('{ArrowRight}');
    expect(tileNames()[0]).toBe('user_033');
    await userEvent.keyboard('{PageUp}');
    expect(tileNames()[0]).toBe('user_017');
    await userEvent.keyboard('{End}');
    expect(screen.getByText('Page 13 of 13')).toBeInTheDocument();
    expect(tileNames()).toHaveLength(PEOPLE - 16 * 12);
    expect(within(stage()).queryByRole('button', { name: /more: next page/ })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(screen.getByText('Page 12 of 13')).toBeInTheDocument();
    // Keys typed in a field stay the field's.
    await userEvent.click(screen.getByRole('textbox', { name: /message/i }));
    await userEvent.keyboard('{ArrowLeft}');
    expect(screen.getByText('Page 12 of 13')).toBeInTheDocument();
  });

  it('holds 3×3 on a laptop and 2×2 on a phone', async () => {
    stageWidth = 900;
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'All hands' }, { timeout: 10_000 });
    await waitFor(() => expect(tileNames()).toHaveLength(9), SLOW);
    expect(within(stage()).getByRole('button', { name: `${PEOPLE - 9} more: next page` })).toBeInTheDocument();
    cleanup();
    stageWidth = 390;
    await renderCall('/rooms/5');
    await waitFor(() => expect(tileNames()).toHaveLength(4), SLOW);
    expect(stage()).toHaveClass('grid--stacked');
  });

  it('speaker view puts the active speaker large, the others in a paged filmstrip', async () => {
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'All hands' }, { timeout: 10_000 });
    await userEvent.click(screen.getByRole('button', { name: 'Speaker' }));
    act(() => useCallStore.getState().setActiveSpeaker(150));
    const main = () => stage().querySelector('.speaker__main figure');
    await waitFor(() => expect(main()).toHaveAccessibleName('user_150'), SLOW);
    const strip = within(screen.getByRole('group', { name: 'Filmstrip' }));
    expect(strip.getAllByRole('figure')).toHaveLength(7);
    expect(strip.getByRole('button', { name: `${PEOPLE - 1 - 7} more: next page` })).toBeInTheDocument();
    act(() => useCallStore.getState().setActiveSpeaker(3));
    await waitFor(() => expect(main()).toHaveAccessibleName('user_003'), SLOW);
    // The new speaker's video is received large; the one who stopped is off the page again.
    expect(useCallStore.getState().tileViewports['user:150']).toEqual({ visible: false, width: 0, height: 0 });
  });

  it('the participant list renders only the rows in view for 200 people and searches by name', async () => {
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'All hands' }, { timeout: 10_000 });
    await userEvent.click(screen.getByRole('button', { name: `Show participants (${PEOPLE})` }));
    const list = screen.getByRole('list', { name: 'Participants' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(30);
    expect(rows[0]).toHaveAttribute('aria-setsize', String(PEOPLE));
    expect(within(list).queryByText('user_150')).toBeNull();

    // Scrolling shows later rows instead.
    const scroller = list.parentElement!;
    act(() => {
      scroller.scrollTop = 149 * 44;
      scroller.dispatchEvent(new Event('scroll'));
    });
    expect(within(list).getByText('user_150')).toBeInTheDocument();
    expect(within(list).queryByText('user_002')).toBeNull();

    await userEvent.type(screen.getByRole('searchbox', { name: 'Search participants' }), 'USER_15');
    act(() => {
      scroller.scrollTop = 0;
      scroller.dispatchEvent(new Event('scroll'));
    });
    const found = within(list).getAllByRole('listitem').map((li) => li.getAttribute('data-user'));
    expect(found).toEqual([...Array.from({ length: 10 }, (_, i) => `user_15${i}`)]);
    // Marks: the host, and a raised hand.
    await userEvent.clear(screen.getByRole('searchbox', { name: 'Search participants' }));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search participants' }), 'alice');
    expect(within(list).getByText('Host')).toBeInTheDocument();
    await userEvent.clear(screen.getByRole('searchbox', { name: 'Search participants' }));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search participants' }), 'user_007');
    expect(within(list).getByRole('img', { name: 'Hand raised' })).toBeInTheDocument();
  });

  it('raise hand: the queue in order for the host with lower buttons, hands on tiles; reactions show for a few seconds', async () => {
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'All hands' }, { timeout: 10_000 });
    await userEvent.click(screen.getByRole('button', { name: 'Raise hand' }));
    expect(sockets.current.sent('raiseHand')).toEqual([{ roomId: 5 }]);
    expect(screen.getByRole('button', { name: 'Lower hand' })).toHaveAttribute('aria-pressed', 'true');
    expect(within(stage()).getByRole('figure', { name: 'user_007' })).toHaveAttribute('data-hand', '1');
    expect(within(stage()).getByRole('figure', { name: 'You (alice)' })).toHaveAttribute('data-hand', '2');

    act(() =>
      sockets.current.serverEmit('handQueue', {
        roomId: 5,
        hands: [
          { userId: 9, username: 'user_009', raisedAt: '2026-01-01T00:00:03Z' },
          { userId: 7, username: 'user_007', raisedAt: '2026-01-01T00:00:01Z' },
        ],
      }),
    );
    await userEvent.click(screen.getByRole('button', { name: `Show participants (${PEOPLE})` }));
    const queue = screen.getByRole('list', { name: 'Raised hands' });
    expect(within(queue).getAllByRole('listitem').map((li) => li.getAttribute('data-user'))).toEqual(['user_009', 'user_007']);
    await userEvent.click(within(queue).getByRole('button', { name: "Lower user_009's hand" }));
    expect(sockets.current.sent('lowerHand')).toEqual([{ roomId: 5, userId: 9 }]);
    expect(screen.queryByRole('list', { name: 'Raised hands' })).toBeNull();

    vi.useFakeTimers({ shouldAdvanceTime: true });
    act(() => sockets.current.serverEmit('reaction', { roomId: 5, userId: 4, emoji: '🎉' }));
    const tile = within(stage()).getByRole('figure', { name: 'user_004' });
    expect(within(tile).getByTestId('reaction')).toHaveTextContent('🎉');
    act(() => vi.advanceTimersByTime(REACTION_SHOW_MS + 50));
    expect(within(tile).queryByTestId('reaction')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Reactions' }));
    await userEvent.click(screen.getByRole('button', { name: 'React 👍' }));
    expect(sockets.current.sent('sendReaction')).toEqual([{ roomId: 5, emoji: '👍' }]);
  });

  it('199 hands: the host sees the whole queue in order and each tile its place; a reaction off the page shows when paged to', async () => {
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'All hands' }, { timeout: 10_000 });
    await waitFor(() => expect(tileNames()).toHaveLength(16), SLOW);
    // Everyone but the host, the last joiner first.
    const hands = participants
      .slice(1)
      .reverse()
      .map((p, i) => ({ userId: p.userId, username: p.username, raisedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }));
    act(() => sockets.current.serverEmit('handQueue', { roomId: 5, hands }));
    await userEvent.click(screen.getByRole('button', { name: `Show participants (${PEOPLE})` }));
    expect(screen.getByRole('heading', { name: `Raised hands (${PEOPLE - 1})` })).toBeInTheDocument();
    const queue = screen.getByRole('list', { name: 'Raised hands' });
    expect(within(queue).getAllByRole('listitem').map((li) => li.getAttribute('data-user'))).toEqual(hands.map((h) => h.username));
    // The host may lower any of them; the search below the queue is still there.
    expect(within(queue).getAllByRole('button', { name: /^Lower user_\d+'s hand$/ })).toHaveLength(PEOPLE - 1);
    expect(screen.getByRole('searchbox', { name: 'Search participants' })).toBeInTheDocument();
    expect(within(stage()).getByRole('figure', { name: 'user_002' })).toHaveAttribute('data-hand', String(PEOPLE - 1));
    expect(within(stage()).getByRole('figure', { name: 'user_016' })).toHaveAttribute('data-hand', String(PEOPLE - 15));

    // user_150 (page 10) reacts: nothing on this page; paged there, the reaction is on the tile.
    act(() => sockets.current.serverEmit('reaction', { roomId: 5, userId: 150, emoji: '👏' }));
    expect(within(stage()).queryByTestId('reaction')).toBeNull();
    act(() => useCallStore.getState().setStagePage(9));
    const tile = await within(stage()).findByRole('figure', { name: 'user_150' }, SLOW);
    expect(within(tile).getByTestId('reaction')).toHaveTextContent('👏');
    expect(tile).toHaveAttribute('data-hand', String(PEOPLE - 149));
  });

  it('100 leave at once: the pages shrink and the last page shown stays in range', async () => {
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'All hands' }, { timeout: 10_000 });
    await waitFor(() => expect(tileNames()).toHaveLength(16), SLOW);
    await userEvent.keyboard('{End}');
    expect(screen.getByText('Page 13 of 13')).toBeInTheDocument();
    const leaving = participants.slice(100).map((p) => p.userId);
    act(() => sockets.current.serverEmit('participantsDelta', { roomId: 5, joined: [], left: leaving, changed: [] }));
    await waitFor(() => expect(screen.getByText('Page 7 of 7')).toBeInTheDocument(), SLOW);
    expect(tileNames()).toEqual(participants.slice(96, 100).map((p) => p.username));
    await userEvent.keyboard('{ArrowLeft}');
    expect(screen.getByText('Page 6 of 7')).toBeInTheDocument();
  });

  it('the host mutes everyone and sets join muted; a joiner of a join-muted room starts with the mic off', async () => {
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'All hands' }, { timeout: 10_000 });
    await userEvent.click(screen.getByRole('button', { name: `Show participants (${PEOPLE})` }));
    await userEvent.click(screen.getByRole('button', { name: 'Mute everyone' }));
    expect(sockets.current.sent('muteAll')).toEqual([{ roomId: 5 }]);
    cleanup();
    await useCallStore.getState().leave();

    joinAnswer = { ...joinData, room: { ...room, joinMuted: true }, joinMuted: true };
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'All hands' }, { timeout: 10_000 });
    expect(await screen.findByText(/You joined muted/, {}, SLOW)).toBeInTheDocument();
    expect(useCallStore.getState().local.micOn).toBe(false);
    expect(screen.getByRole('button', { name: 'Unmute microphone' })).toBeInTheDocument();
  });
});

