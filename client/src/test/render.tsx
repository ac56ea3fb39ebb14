import type { RoomPreviewDto, UserDto } from '@minimeet/shared';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { expect, vi } from 'vitest';
import { MemoryRouter } from 'react-router';
import { AppRoutes } from '../app/App';
import { wireSession } from '../app/SessionBridge';
import { useAuthStore } from '../features/auth/authStore';
import { useCallStore } from '../features/call/callStore';
import { disconnectSocket, setSocketFactory } from '../lib/socket';
import { sessionFrom } from '../features/auth/session';
import { fakeJwt } from './fetchMock';

export const alice = { id: 1, username: 'alice', role: 'user' as const };

export function signIn(user: UserDto = alice): string {
  const token = fakeJwt(Math.floor(Date.now() / 1000) + 3600, user.id);
  useAuthStore.setState({ session: sessionFrom({ accessToken: token, user }), notice: null });
  return token;
}

/** The app's routes at `path`, with the session wired to http (no socket unless one is faked). */
export function renderApp(path: string) {
  wireSession();
  return render(
    <MemoryRouter initialEntries={[path]}>
      <AppRoutes />
    </MemoryRouter>,
  );
}

/** Undoes a call page test: unmounts, leaves the call, resets the call store, signs out, drops the socket. */
export async function endCallPageTest(): Promise<void> {
  cleanup();
  await useCallStore.getState().leave();
  useCallStore.setState({ status: 'idle', error: null, sidePanel: 'chat' });
  useAuthStore.setState({ session: null });
  disconnectSocket();
  setSocketFactory(null);
}

/** What GET /api/rooms/:id/preview answers in call page tests: the room, nobody in it yet. */
export function previewOf(roomId: number): RoomPreviewDto {
  return {
    room: { id: roomId, name: 'Stand-up', ownerId: 1, maxParticipants: 8, visibility: 'public', locked: false, joinMuted: false, allowGuests: false, lobby: 'off', recordingAccess: 'moderators', recording: false, kind: 'meeting', participantCount: 0, createdAt: '2026-01-01T00:00:00Z' },
    participants: [],
    participantCount: 0,
  };
}

/** Answers the pre-join screen's preview request; every other request goes to the fetch there was. */
export function stubRoomPreview(answer: (roomId: number) => RoomPreviewDto = previewOf): void {
  const inner = globalThis.fetch;
  // A mock itself, so a test can still look at the requests it made (vi.mocked(fetch).mock.calls).
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input), 'http://localhost');
      const match = /^\/api\/rooms\/(\d+)\/preview$/.exec(url.pathname);
      if (!match) return inner(input, init);
      return new Response(JSON.stringify(answer(Number(match[1]))), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }),
  );
}

/**
 * The app at a room link, past the pre-join screen: Join clicked as it starts (jsdom has no
 * camera or microphone, so the call starts with both off).
 */
export async function renderCall(path: string) {
  stubRoomPreview();
  const view = renderApp(path);
  await joinFromPreJoin();
  return view;
}

/** Clicks Join on the pre-join screen once it may be clicked, and waits for the call page. */
export async function joinFromPreJoin(): Promise<void> {
  const join = await screen.findByRole('button', { name: 'Join now' });
  await waitFor(() => expect(join).toBeEnabled());
  fireEvent.click(join);
  await waitFor(() => expect(screen.queryByRole('button', { name: 'Join now' })).toBeNull());
  // The call page has started its join (its effect may run after the screen is gone).
  await waitFor(() => expect(['joining', 'waiting', 'joined', 'error', 'ended']).toContain(useCallStore.getState().status));
}
