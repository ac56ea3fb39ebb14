import type { GuestAuthResponse, JoinRoomData, RoomPreviewDto } from '@minimeet/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectSocket } from '../../../lib/socket';
import { installFakeMediaDevices, uninstallFakeMediaDevices, type FakeDevices } from '../../../test/fakeMediaDevices';
import { installFakeSockets, ok } from '../../../test/fakeSocket';
import { fakeJwt, mockFetch } from '../../../test/fetchMock';
import { endCallPageTest, previewOf, renderApp, signIn } from '../../../test/render';
import { useAuthStore } from '../../auth/authStore';
import { useCallStore } from '../callStore';

const joinData = (roomId = 5): JoinRoomData => ({
  room: previewOf(roomId).room,
  participants: [{ userId: 1, username: 'alice', role: 'speaker' }],
  participantsCursor: null,
});

function preview(extra: Omit<Partial<RoomPreviewDto>, 'room'> & { room?: Partial<RoomPreviewDto['room']> } = {}): RoomPreviewDto {
  const base = previewOf(5);
  return {
    ...base,
    ...extra,
    room: { ...base.room, ...extra.room },
  };
}

describe('pre-join screen', () => {
  let sockets: ReturnType<typeof installFakeSockets>;
  let devices: FakeDevices;
  beforeEach(() => {
    sockets = installFakeSockets((s) => {
      s.handle('joinRoom', ({ roomId }) => ok(joinData(roomId)));
      s.handle('leaveRoom', ({ roomId }) => ok({ roomId }));
      s.handle('loadMessageHistory', () => ok({ messages: [], hasMore: false }));
    });
    devices = installFakeMediaDevices();
  });
  afterEach(async () => {
    await endCallPageTest();
    uninstallFakeMediaDevices();
  });

  it('shows who is in the room, the recording, and joins only on Join with what was chosen', async () => {
    connectSocket(signIn());
    const spy = mockFetch([
      {
        path: '/rooms/5/preview',
        body: preview({
          room: { name: 'Design review', recording: true, joinMuted: true },
          participants: [
            { userId: 2, username: 'bob', role: 'host' },
            { userId: 3, username: 'Grace', role: 'speaker', guest: true },
          ],
          participantCount: 14,
        }),
      },
    ]);
    renderApp('/rooms/5?invite=tok123');
    expect(await screen.findByRole('heading', { name: 'Design review' })).toBeInTheDocument();
    const people = screen.getByRole('region', { name: 'In the call' });
    expect(people).toHaveTextContent('14 people are in the call');
    expect(within(people).getByText(/bob · host/)).toBeInTheDocument();
    expect(within(people).getByText(/Grace \(guest\)/)).toBeInTheDocument();
    expect(within(people).getByText('and 12 more')).toBeInTheDocument();
    expect(screen.getByText('This call is being recorded')).toBeInTheDocument();
    expect(screen.getByText(/everyone join with the microphone off/)).toBeInTheDocument();
    // The preview request carries the invite; nothing was joined by looking.
    const previewUrl = String(spy.mock.calls.find(([input]) => String(input).includes('/preview'))![0]);
    expect(new URL(previewUrl).searchParams.get('invite')).toBe('tok123');
    expect(sockets.current.sent('joinRoom')).toEqual([]);

    // The camera plays in the preview; the user turns it off and joins.
    expect(await screen.findByLabelText('Your camera preview')).toBeInTheDocument();
    expect(screen.getByRole('meter', { name: 'Microphone level' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Turn camera off' }));
    expect(await screen.findByText('Camera is off')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Join now' }));

    await screen.findByRole('toolbar', { name: 'Call controls' });
    expect(sockets.current.sent('joinRoom')).toEqual([{ roomId: 5, inviteToken: 'tok123' }]);
    await waitFor(() => expect(useCallStore.getState().local.micTrack).not.toBeNull());
    const local = useCallStore.getState().local;
    expect(local.cameraOn).toBe(false);
    expect(local.cameraTrack).toBeNull();
    // The preview's own mic track goes on into the call (no second capture).
    expect(local.micTrack).toBe(devices.tracks.find((t) => t.kind === 'audio'));
    expect(devices.calls).toHaveLength(1);
  });

  it('a room the user may not open: the refusal, no Join, no camera', async () => {
    connectSocket(signIn());
    mockFetch([{ path: '/rooms/5/preview', status: 404, body: { statusCode: 404, error: { code: 'NOT_FOUND', message: 'Room not found' } } }]);
    renderApp('/rooms/5');
    expect(await screen.findByRole('heading', { name: 'Room not found' })).toBeInTheDocument();
    expect(screen.getByText(/is private: open it with its invite link/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Join now' })).toBeNull();
    expect(devices.calls).toEqual([]);
  });

  it('camera or mic blocked: says so, and joining without them works', async () => {
    connectSocket(signIn());
    devices.failWith = 'NotAllowedError';
    mockFetch([{ path: '/rooms/5/preview', body: preview() }]);
    renderApp('/rooms/5');
    expect(await screen.findByText(/access is blocked/)).toBeInTheDocument();
    expect(screen.getByText(/You can still join/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Join now' }));
    await screen.findByRole('toolbar', { name: 'Call controls' });
    expect(useCallStore.getState().local).toMatchObject({ micOn: false, cameraOn: false, micTrack: null, cameraTrack: null });
  });

  it('a webinar attendee captures nothing and is told they watch', async () => {
    connectSocket(signIn({ id: 9, username: 'viewer', role: 'user' }));
    mockFetch([{ path: '/rooms/5/preview', body: preview({ room: { kind: 'webinar', ownerId: 1 } }) }]);
    renderApp('/rooms/5');
    expect(await screen.findByText(/you join the audience/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Your camera preview')).toBeNull();
    expect(devices.calls).toEqual([]);
  });

  it('a guest link: name, preview and Join on one screen; the guest session then joins the call', async () => {
    connectSocket('pre-session');
    const accessToken = fakeJwt(Math.floor(Date.now() / 1000) + 600, 40);
    const guest: GuestAuthResponse = {
      accessToken,
      accessTokenExpiresAt: new Date(Date.now() + 600_000).toISOString(),
      user: { id: 40, username: 'Pat', role: 'guest', roomScope: { roomId: 5, grants: { publish: true, subscribe: true, moderate: false } } },
    };
    const spy = mockFetch([{ method: 'POST', path: '/auth/guest', body: guest }]);
    renderApp('/rooms/5');
    expect(await screen.findByRole('heading', { name: 'Join the call' })).toBeInTheDocument();
    expect(await screen.findByLabelText('Your camera preview')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Sign in' })).toBeInTheDocument();
    // No session yet: the room is not asked about.
    expect(spy.mock.calls.some(([input]) => String(input).includes('/preview'))).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Join as guest' }));
    expect(await screen.findByText('Enter the name others will see.')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Your name/), 'Pat');
    await userEvent.click(screen.getByRole('button', { name: 'Join as guest' }));

    await screen.findByRole('toolbar', { name: 'Call controls' });
    expect(useAuthStore.getState().session?.user.role).toBe('guest');
    const [, init] = spy.mock.calls.find(([input]) => String(input).includes('/auth/guest'))!;
    expect(JSON.parse(String(init?.body))).toEqual({ roomId: 5, displayName: 'Pat' });
    expect(sockets.current.sent('joinRoom')).toEqual([{ roomId: 5 }]);
    expect(useCallStore.getState().local).toMatchObject({ micOn: true, cameraOn: true });
  });
});

