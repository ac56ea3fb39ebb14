/**
 * Recording of the call (issue 21): whether it is being recorded (from the join answer, then
 * `recordingState`), and the moderators' start / stop requests. Everyone is told when recording
 * starts or stops (the call's notice, which screen readers hear).
 */
import type { RecordingStateEvent } from '@minimeet/shared';
import { AppError, describeError } from '../../lib/errors';
import { request } from '../../lib/socket';
import type { CallSlice } from './callState';

export interface RecordingSlice {
  /** The room's recording state; null before the join answer (or from a server that sends none). */
  recording: RecordingStateEvent | null;
  /** A start or stop request is in flight. */
  recordingBusy: boolean;
  /** Why the last start or stop was refused, until dismissed or the next try. */
  recordingError: string | null;

  /** The state as the server says it; `announce` tells everyone in the call when it changed. */
  applyRecordingState(state: RecordingStateEvent | null, announce: boolean): void;
  startRecording(): Promise<void>;
  stopRecording(): Promise<void>;
  dismissRecordingError(): void;
}

/** What every call starts from. */
export const initialRecording = {
  recording: null as RecordingStateEvent | null,
  recordingBusy: false,
  recordingError: null as string | null,
} satisfies Partial<RecordingSlice>;

/** The refusal in words a moderator can act on. */
export function recordingErrorMessage(err: unknown, starting: boolean): string {
  if (err instanceof AppError) {
    switch (err.code) {
      case 'FORBIDDEN':
        return 'Only the room owner or an admin can start or stop recording.';
      case 'LIMIT_EXCEEDED':
        return 'The server is recording as many calls as it can. Try again later.';
      case 'STORAGE_FULL':
        return 'The server is out of disk space for recordings. Ask an administrator to free some.';
      case 'CONFLICT':
        return starting ? 'This call is already being recorded.' : 'This call is not being recorded.';
    }
  }
  return `Could not ${starting ? 'start' : 'stop'} recording: ${describeError(err)}`;
}

export const createRecordingSlice: CallSlice<RecordingSlice> = (set, get) => {
  async function send(starting: boolean): Promise<void> {
    const { roomId, status, recordingBusy } = get();
    if (roomId === null || status !== 'joined' || recordingBusy) return;
    set({ recordingBusy: true, recordingError: null });
    try {
      const state = await request(starting ? 'startRecording' : 'stopRecording', { roomId });
      // The broadcast `recordingState` usually comes first and announces it; this is the fallback.
      if (get().roomId === roomId) get().applyRecordingState(state, true);
    } catch (err) {
      if (get().roomId !== roomId) return;
      set({ recordingError: recordingErrorMessage(err, starting) });
      // Already recording / not recording: the server's state is the truth, the event brings it.
    } finally {
      if (get().roomId === roomId) set({ recordingBusy: false });
    }
  }

  return {
    ...initialRecording,

    applyRecordingState(state, announce) {
      const before = get().recording;
      set({ recording: state });
      if (!announce || !state || before?.recording === state.recording) return;
      const who = state.by?.username;
      set({
        notice: state.recording
          ? `Recording started${who ? ` by ${who}` : ''}: this call is being recorded.`
          : 'Recording stopped.',
      });
    },

    startRecording: () => send(true),
    stopRecording: () => send(false),

    dismissRecordingError() {
      set({ recordingError: null });
    },
  };
};
