/** The call store's shape: five slices, each in its own file, sharing one zustand store. */
import type { StateCreator } from 'zustand';
import type { EngagementSlice } from './engagementSlice';
import type { CallLifecycle } from './lifecycleSlice';
import type { LocalMediaSlice } from './localMediaSlice';
import type { LobbySlice } from './lobbySlice';
import type { RecordingSlice } from './recordingSlice';
import type { RemoteMediaSlice } from './remoteMediaSlice';

export type CallState = CallLifecycle & LocalMediaSlice & RemoteMediaSlice & EngagementSlice & LobbySlice & RecordingSlice;

/** One slice of the call store; it may read and write the whole state. */
export type CallSlice<T> = StateCreator<CallState, [], [], T>;
