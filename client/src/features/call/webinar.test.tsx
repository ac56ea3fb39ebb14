import type { JoinRoomData, RoomDto } from '@minimeet/shared';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectSocket } from '../../lib/socket';
import { installFakeSockets, ok } from '../../test/fakeSocket';
import { alice, endCallPageTest, renderCall, signIn } from '../../test/render';

const room: RoomDto = {
  id: 5,
  name: 'Town hall',
  ownerId: 1,
  maxParticipants: 4,
  visibility: 'public',
  locked: false,
  joinMuted: false,
  allowGuests: false, lobby: 'off', recordingAccess: 'moderators', recording: false,
  kind: 'webinar',
  participantCount: 2,
  createdAt: '2026-01-01T00:00:00Z',
};
const participants: JoinRoomData['participants'] = [
  { userId: 1, username: 'alice', role: 'host' },
  { userId: 2, username: 'bob', role: 'attendee' },
];
const bob = { id: 2, username: 'bob', role: 'user' as const };

describe('webinar in the call page', () => {
  let sockets: ReturnType<typeof installFakeSockets>;
  /** The role the join answer gives the signed-in user. */
  let joinRole: 'host' | 'attendee' = 'host';

  beforeEach(() => {
    sockets = installFakeSockets((s) => {
      s.handle('joinRoom', () => ok({ room, participants, participantsCursor: null, role: joinRole }));
      s.handle('leaveRoom', ({ roomId }) => ok({ roomId }));
      s.handle('loadMessageHistory', () => ok({ messages: [], hasMore: false }));
      s.handle('setStage', (p) => ok({ roomId: p.roomId, participant: { userId: p.userId, username: 'bob', role: p.onStage ? 'speaker' : 'attendee' } }));
    });
  });
  afterEach(endCallPageTest);

  it('the host sees attendees apart from the stage, no tile for them, and brings one on stage', async () => {
    joinRole = 'host';
    connectSocket(signIn(alice));
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Town hall' });
    expect(screen.queryByRole('figure', { name: 'bob' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: /Show participants/ }));
    const attendees = await screen.findByRole('list', { name: 'Attendees' });
    expect(screen.getByRole('heading', { name: 'Attendees (1)' })).toBeInTheDocument();
    await userEvent.click(within(attendees).getByRole('button', { name: 'Bring on stage: bob' }));
    expect(sockets.current.emitted.find((e) => e.event === 'setStage')?.payload).toEqual({ roomId: 5, userId: 2, onStage: true });

    // The server's changed delta moves bob onto the stage: a tile, and "Back to audience".
    act(() =>
      sockets.current.serverEmit('participantsDelta', { roomId: 5, joined: [], left: [], changed: [{ userId: 2, username: 'bob', role: 'speaker' }] }),
    );
    await screen.findByRole('button', { name: 'Back to audience: bob' });
    expect(screen.getByRole('heading', { name: 'Attendees (0)' })).toBeInTheDocument();
  });

  it('an attendee has no mic or camera until brought on stage, and loses them when sent back', async () => {
    joinRole = 'attendee';
    connectSocket(signIn(bob));
    await renderCall('/rooms/5');
    await screen.findByText('You are in the audience');
    expect(screen.queryByRole('button', { name: /camera/i })).toBeNull();
    expect(screen.queryByRole('button', { name: /microphone/i })).toBeNull();
    expect(screen.getByRole('button', { name: 'Raise hand' })).toBeInTheDocument();

    act(() =>
      sockets.current.serverEmit('participantsDelta', { roomId: 5, joined: [], left: [], changed: [{ userId: 2, username: 'bob', role: 'speaker' }] }),
    );
    await screen.findByText(/brought you on stage/);
    expect(screen.getByRole('button', { name: 'Turn camera on' })).toBeInTheDocument();

    act(() =>
      sockets.current.serverEmit('participantsDelta', { roomId: 5, joined: [], left: [], changed: [{ userId: 2, username: 'bob', role: 'attendee' }] }),
    );
    await screen.findByText(/back to the audience/);
    expect(screen.queryByRole('button', { name: 'Turn camera on' })).toBeNull();
  });
});
