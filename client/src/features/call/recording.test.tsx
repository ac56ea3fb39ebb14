import type { JoinRoomData, RecordingStateEvent } from '@minimeet/shared';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectSocket } from '../../lib/socket';
import { fail, installFakeSockets, ok, type FakeSocket } from '../../test/fakeSocket';
import { mockFetch } from '../../test/fetchMock';
import { alice, endCallPageTest, renderCall, signIn } from '../../test/render';
import { testRoom } from '../../test/rooms';

const room = testRoom();
const bob = { id: 2, username: 'bob', role: 'user' as const };
const notRecording: RecordingStateEvent = { roomId: 5, recording: false, recordingId: null, startedAt: null, by: null };
const startedAt = new Date(Date.now() - 65_000).toISOString();
const recordingByAlice: RecordingStateEvent = {
  roomId: 5,
  recording: true,
  recordingId: 9,
  startedAt,
  by: { userId: 1, username: 'alice' },
};

let roomAtJoin = room;

function joinData(recording: RecordingStateEvent): JoinRoomData {
  return {
    room: { ...roomAtJoin, recording: recording.recording },
    participants: [
      { userId: 1, username: 'alice', role: 'speaker' },
      { userId: 2, username: 'bob', role: 'speaker' },
    ],
    participantsCursor: null,
    recording,
  };
}

describe('recording in the call page', () => {
  let sockets: { readonly current: FakeSocket };
  let atJoin: RecordingStateEvent;

  beforeEach(() => {
    atJoin = notRecording;
    roomAtJoin = room;
    sockets = installFakeSockets((s) => {
      s.handle('joinRoom', () => ok(joinData(atJoin)));
      s.handle('leaveRoom', ({ roomId }) => ok({ roomId }));
      s.handle('loadMessageHistory', () => ok({ messages: [], hasMore: false }));
    });
    mockFetch([
      { path: '/rooms/5/invite', body: { roomId: 5, inviteToken: 'tok-1' } },
      { method: 'PATCH', path: '/rooms/5', body: { ...room, recordingAccess: 'members' } },
    ]);
  });
  afterEach(async () => {
    await endCallPageTest();
    vi.unstubAllGlobals();
  });

  async function enter(user = alice) {
    connectSocket(signIn(user));
    await renderCall('/rooms/5');
    await screen.findByRole('heading', { name: 'Stand-up' });
  }

  it('a moderator starts recording: the button waits for the answer, then everyone is told and the indicator runs', async () => {
    let answer: (value: ReturnType<typeof ok<RecordingStateEvent>>) => void = () => {};
    await enter();
    sockets.current.handle('startRecording', () => new Promise((resolve) => (answer = resolve)));
    expect(screen.queryByTestId('recording-indicator')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Start recording' }));
    expect(sockets.current.sent('startRecording')).toEqual([{ roomId: 5 }]);
    // In flight: a second press cannot send a second request.
    expect(screen.getByRole('button', { name: 'Start recording' })).toBeDisabled();

    act(() => sockets.current.serverEmit('recordingState', recordingByAlice));
    await act(async () => answer(ok(recordingByAlice)));
    const indicator = await screen.findByTestId('recording-indicator');
    expect(indicator).toHaveTextContent(/Recording\s*1:0\d/);
    expect(indicator).toHaveAttribute('title', expect.stringContaining('started by alice'));
    // Announced once (the event and the answer say the same), in a live region.
    const notice = screen.getByTestId('call-notice');
    expect(notice).toHaveTextContent('Recording started by alice: this call is being recorded.');
    expect(notice.closest('[role="status"]')).not.toBeNull();
    expect(screen.getByRole('button', { name: 'Stop recording' })).toBeEnabled();
  });

  it('stopping asks first; the indicator goes when the server says recording stopped', async () => {
    atJoin = recordingByAlice;
    await enter();
    sockets.current.handle('stopRecording', () => ok(notRecording));
    await screen.findByTestId('recording-indicator');

    await userEvent.click(screen.getByRole('button', { name: 'Stop recording' }));
    const confirm = screen.getByRole('group', { name: 'Confirm stopping the recording' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Keep recording' }));
    expect(sockets.current.sent('stopRecording')).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: 'Stop recording' }));
    await userEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(sockets.current.sent('stopRecording')).toEqual([{ roomId: 5 }]);
    await waitFor(() => expect(screen.queryByTestId('recording-indicator')).toBeNull());
    expect(screen.getByTestId('call-notice')).toHaveTextContent('Recording stopped.');
    expect(screen.getByRole('button', { name: 'Start recording' })).toBeEnabled();
  });

  it.each([
    ['LIMIT_EXCEEDED', 'The server is recording as many calls as it can. Try again later.'],
    ['STORAGE_FULL', 'The server is out of disk space for recordings. Ask an administrator to free some.'],
    ['CONFLICT', 'This call is already being recorded.'],
    ['FORBIDDEN', 'Only the room owner or an admin can start or stop recording.'],
  ])('a refused start (%s) is explained and the button is usable again', async (code, message) => {
    await enter();
    sockets.current.handle('startRecording', () => fail(code, 'refused'));
    await userEvent.click(screen.getByRole('button', { name: 'Start recording' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(message);
    expect(screen.getByRole('button', { name: 'Start recording' })).toBeEnabled();
    expect(screen.queryByTestId('recording-indicator')).toBeNull();
    await userEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(alert).not.toBeInTheDocument();
  });

  it('a participant who is not a moderator has no record button but sees the indicator from the join answer and events', async () => {
    atJoin = recordingByAlice;
    await enter(bob);
    const indicator = await screen.findByTestId('recording-indicator');
    expect(indicator).toHaveAttribute('title', expect.stringContaining('started by alice'));
    expect(screen.queryByRole('button', { name: /recording/i })).toBeNull();
    // Recordings are the moderators' here: no link to them.
    expect(screen.queryByRole('link', { name: 'Recordings' })).toBeNull();
    // Joining an already recorded call is not announced as a start, the indicator says it.
    expect(screen.queryByTestId('call-notice')).toBeNull();

    act(() => sockets.current.serverEmit('recordingState', { ...notRecording, recordingId: 9 }));
    await waitFor(() => expect(screen.queryByTestId('recording-indicator')).toBeNull());
    expect(screen.getByTestId('call-notice')).toHaveTextContent('Recording stopped.');

    act(() => sockets.current.serverEmit('recordingState', { ...recordingByAlice, recordingId: 10, startedAt: new Date().toISOString() }));
    expect(await screen.findByTestId('recording-indicator')).toHaveTextContent(/0:0\d/);
    // Another room's event is not this call's.
    act(() => sockets.current.serverEmit('recordingState', { ...notRecording, roomId: 6 }));
    expect(screen.getByTestId('recording-indicator')).toBeInTheDocument();
  });

  it('the host makes recordings visible to members; members then get the link to them', async () => {
    await enter();
    expect(screen.getByRole('link', { name: 'Recordings' })).toHaveAttribute('href', '/rooms/5/recordings');
    await userEvent.click(screen.getByRole('button', { name: /Show participants/ }));
    const toggle = await screen.findByRole('checkbox', { name: /Recordings visible to members/ });
    expect(toggle).not.toBeChecked();
    await userEvent.click(toggle);
    await waitFor(() => expect(toggle).toBeChecked());
    const patch = vi.mocked(fetch).mock.calls.find(([, init]) => init?.method === 'PATCH');
    expect(JSON.parse(String(patch![1]!.body))).toEqual({ recordingAccess: 'members' });
  });

  it('a member sees the link to the recordings when the room shares them', async () => {
    roomAtJoin = { ...room, recordingAccess: 'members' };
    await enter(bob);
    expect(screen.getByRole('link', { name: 'Recordings' })).toHaveAttribute('href', '/rooms/5/recordings');
    expect(screen.queryByRole('button', { name: 'Start recording' })).toBeNull();
  });
});
