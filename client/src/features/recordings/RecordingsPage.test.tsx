import type { RecordingDto } from '@minimeet/shared';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../../test/fetchMock';
import { alice, renderApp, signIn } from '../../test/render';
import { testRoom } from '../../test/rooms';
import { useAuthStore } from '../auth/authStore';
import { RECORDINGS_REFRESH_MS } from './useRoomRecordings';

const room = testRoom({ recordingAccess: 'members', participantCount: 0 });
const bob = { id: 2, username: 'bob', role: 'user' as const };
const base: RecordingDto = {
  id: 1,
  roomId: 5,
  state: 'ready',
  startedAt: '2026-03-03T10:00:00Z',
  stoppedAt: '2026-03-03T10:02:05Z',
  durationMs: 125_000,
  sizeBytes: 3 * 1024 * 1024,
  startedBy: { userId: 1, username: 'alice' },
  error: null,
  tracks: [
    { id: 't-a', userId: 1, username: 'alice', kind: 'audio', segments: 1, startOffsetMs: 0, durationMs: 125_000, sizeBytes: 500_000 },
    { id: 't-v', userId: 2, username: 'bob', kind: 'video', segments: 2, startOffsetMs: 30_000, durationMs: 90_000, sizeBytes: 2_000_000 },
  ],
};
const ready = base;
const processing: RecordingDto = { ...base, id: 2, state: 'processing', sizeBytes: 0 };
const failed: RecordingDto = { ...base, id: 3, state: 'failed', sizeBytes: 0, error: 'FFmpeg exited with code 1' };
const running: RecordingDto = { ...base, id: 4, state: 'recording', stoppedAt: null, durationMs: 0, sizeBytes: 0, startedAt: new Date(Date.now() - 5000).toISOString(), tracks: [] };

/** Answers the list with `lists` in turn (the last one repeated), the room, the downloads and deletes. */
function serve(lists: RecordingDto[][], opts: { listStatus?: number; listError?: { code: string; message: string } } = {}) {
  let n = 0;
  const spy = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = init?.method ?? 'GET';
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    if (url.pathname === '/api/rooms/5') return json(room);
    if (url.pathname === '/api/rooms/5/recordings') {
      if (opts.listError) return json({ error: opts.listError }, opts.listStatus ?? 403);
      return json(lists[Math.min(n++, lists.length - 1)]);
    }
    const del = /^\/api\/recordings\/(\d+)$/.exec(url.pathname);
    if (del && method === 'DELETE') return new Response(null, { status: 204 });
    if (/^\/api\/recordings\/\d+\/download$/.test(url.pathname)) {
      const track = url.searchParams.get('track');
      return new Response('webm-bytes', {
        headers: {
          'Content-Type': 'video/webm',
          'Content-Disposition': `attachment; filename="${track ? `track-${track}` : 'standup'}.webm"`,
        },
      });
    }
    return json({ error: { code: 'NOT_FOUND', message: 'no route' } }, 404);
  });
  vi.stubGlobal('fetch', spy);
  return spy;
}

describe('the recordings page of a room', () => {
  beforeEach(() => {
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:rec'), revokeObjectURL: vi.fn() }));
  });
  afterEach(() => {
    cleanup();
    useAuthStore.setState({ session: null });
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('lists each recording with its state, start, duration, size and who started it', async () => {
    serve([[running, processing, failed, ready]]);
    signIn(alice);
    renderApp('/rooms/5/recordings');
    expect(await screen.findByRole('heading', { name: 'Recordings of Stand-up' })).toBeInTheDocument();
    const items = await screen.findAllByRole('listitem', { name: /^Recording of/ });
    expect(items.map((i) => i.getAttribute('data-state'))).toEqual(['recording', 'processing', 'failed', 'ready']);
    const [rec, proc, fail, done] = items as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];

    expect(within(rec).getByText('Recording')).toBeInTheDocument();
    expect(within(rec).queryByRole('button', { name: /Delete/ })).toBeNull();
    expect(within(proc).queryByRole('button', { name: /Delete/ })).toBeNull();
    expect(within(proc).getByText('Processing…')).toBeInTheDocument();
    expect(within(proc).queryByRole('button', { name: 'Play' })).toBeNull();
    expect(within(fail).getByText('FFmpeg exited with code 1')).toBeInTheDocument();
    // The composite failed; the per-track files are still there.
    expect(within(fail).getByText('Files per track (2)')).toBeInTheDocument();
    expect(within(done).getByText('Ready')).toBeInTheDocument();
    expect(done).toHaveTextContent('2:05 · 3.0 MB · started by alice');
    expect(within(done).getByRole('button', { name: 'Play' })).toBeInTheDocument();
    expect(within(done).getByText("bob's camera").parentElement).toHaveTextContent('from 0:30, 1:30, 2 segments, 1.9 MB');
  });

  it('refreshes while a recording is processing until it is ready', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const fetchSpy = serve([[processing], [processing], [{ ...processing, state: 'ready', sizeBytes: 2048 }]]);
    signIn(alice);
    renderApp('/rooms/5/recordings');
    expect(await screen.findByText('Processing…')).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(RECORDINGS_REFRESH_MS));
    await act(() => vi.advanceTimersByTimeAsync(RECORDINGS_REFRESH_MS));
    expect(await screen.findByText('Ready')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Play' })).toBeInTheDocument();
    const listCalls = () => fetchSpy.mock.calls.filter(([u]) => String(u).endsWith('/rooms/5/recordings')).length;
    const settled = listCalls();
    // Nothing is pending any more: no more reloads.
    await act(() => vi.advanceTimersByTimeAsync(RECORDINGS_REFRESH_MS * 3));
    expect(listCalls()).toBe(settled);
  });

  it('plays a ready recording in the page and downloads the composite and single tracks with the token', async () => {
    const fetchSpy = serve([[ready]]);
    const token = signIn(alice);
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    renderApp('/rooms/5/recordings');
    await userEvent.click(await screen.findByRole('button', { name: 'Play' }));
    const video = await screen.findByLabelText(/^Recording of/, { selector: 'video' });
    expect(video).toHaveAttribute('src', 'blob:rec');

    await userEvent.click(screen.getByRole('button', { name: /^Download Recording of/ }));
    await userEvent.click(screen.getByText('Files per track (2)'));
    await userEvent.click(screen.getByRole('button', { name: "Download alice's microphone" }));
    // bob's camera was paused once: two files.
    await userEvent.click(screen.getByRole('button', { name: "Download bob's camera, part 2 of 2" }));
    await waitFor(() => expect(clicks).toEqual(['standup.webm', 'track-t-a.webm', 'track-t-v.webm']));
    const downloads = fetchSpy.mock.calls.filter(([u]) => String(u).includes('/download'));
    expect(downloads.map(([u]) => String(u))).toEqual([
      '/api/recordings/1/download',
      '/api/recordings/1/download',
      '/api/recordings/1/download?track=t-a',
      '/api/recordings/1/download?track=t-v&segment=1',
    ]);
    for (const [, init] of downloads) expect(init?.headers).toEqual({ Authorization: `Bearer ${token}` });
    vi.restoreAllMocks();
  });

  it('a moderator deletes a recording after confirming', async () => {
    const fetchSpy = serve([[failed, ready]]);
    signIn(alice);
    renderApp('/rooms/5/recordings');
    const item = (await screen.findAllByRole('listitem', { name: /^Recording of/ }))[1]!;
    await userEvent.click(within(item).getByRole('button', { name: /^Delete/ }));
    await userEvent.click(within(item).getByRole('button', { name: 'Cancel' }));
    expect(fetchSpy.mock.calls.some(([, init]) => init?.method === 'DELETE')).toBe(false);

    await userEvent.click(within(item).getByRole('button', { name: /^Delete/ }));
    await userEvent.click(within(item).getByRole('button', { name: 'Yes, delete' }));
    await waitFor(() => expect(screen.getAllByRole('listitem', { name: /^Recording of/ })).toHaveLength(1));
    const del = fetchSpy.mock.calls.find(([, init]) => init?.method === 'DELETE');
    expect(String(del![0])).toContain('/api/recordings/1');
  });

  it('a member sees and plays the shared recordings but cannot delete them', async () => {
    serve([[ready]]);
    signIn(bob);
    renderApp('/rooms/5/recordings');
    const item = await screen.findByRole('listitem', { name: /^Recording of/ });
    expect(within(item).getByRole('button', { name: 'Play' })).toBeInTheDocument();
    expect(within(item).queryByRole('button', { name: /Delete/ })).toBeNull();
  });

  it('says why the list is refused', async () => {
    serve([], { listStatus: 403, listError: { code: 'FORBIDDEN', message: 'Only moderators' } });
    signIn(bob);
    renderApp('/rooms/5/recordings');
    expect(await screen.findByRole('alert')).toHaveTextContent("Only the room's owner and admins can see its recordings.");
  });

  it('the lobby links to the recordings of the rooms you may see them of', async () => {
    mockFetch([
      { path: '/rooms', body: [room, { ...room, id: 6, name: 'Other', ownerId: 3, recordingAccess: 'moderators' }] },
      { path: '/rooms/limits', body: { minParticipants: 2, maxParticipants: 50, defaultParticipants: 8 } },
    ]);
    signIn(bob);
    renderApp('/');
    expect(await screen.findByRole('link', { name: 'Recordings of Stand-up' })).toHaveAttribute('href', '/rooms/5/recordings');
    expect(screen.queryByRole('link', { name: 'Recordings of Other' })).toBeNull();
  });
});
