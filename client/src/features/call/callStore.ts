/**
 * The call store: the UI's one view of a call. Five slices share it: lifecycle and participants,
 * local media, remote media, large-meeting engagement, the host's lobby, recording (see README.md).
 */
import { create } from 'zustand';
import type { CallState } from './callState';
import { createEngagementSlice } from './engagementSlice';
import { createLifecycleSlice } from './lifecycleSlice';
import { createLocalMediaSlice } from './localMediaSlice';
import { createLobbySlice } from './lobbySlice';
import type { MediaDeps, MediaSession } from './mediaSessionApi';
import { createRecordingSlice } from './recordingSlice';
import { createRemoteMediaSlice } from './remoteMediaSlice';

export type { CallState } from './callState';

export const useCallStore = create<CallState>()((...store) => ({
  ...createLifecycleSlice(...store),
  ...createLocalMediaSlice(...store),
  ...createRemoteMediaSlice(...store),
  ...createEngagementSlice(...store),
  ...createLobbySlice(...store),
  ...createRecordingSlice(...store),
}));

/** Tests: replace the SFU signaling / Device factory for calls joined from now on (null = the real ones). */
export function setMediaDeps(deps: MediaDeps | null): void {
  useCallStore.setState({ mediaDeps: deps });
}

/** Test hook: the current call's SFU media session. */
export function currentMediaSession(): MediaSession | null {
  return useCallStore.getState().session?.media ?? null;
}
