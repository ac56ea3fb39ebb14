import { useState } from 'react';
import { Icon } from '../../ui/Icon';
import { useCallStore } from './callStore';
import { useIsModerator } from './useModerator';

/**
 * The moderators' start / stop recording button in the call controls. Stopping asks first (a
 * stopped recording cannot be resumed, only a new one started).
 */
export function RecordButton() {
  const moderator = useIsModerator();
  const recording = useCallStore((s) => s.recording?.recording === true);
  const busy = useCallStore((s) => s.recordingBusy);
  const joined = useCallStore((s) => s.status === 'joined');
  const [confirming, setConfirming] = useState(false);
  if (!moderator) return null;

  if (recording && confirming) {
    return (
      <span className="rec-confirm" role="group" aria-label="Confirm stopping the recording">
        <span>Stop recording?</span>
        <button
          type="button"
          className="btn btn--danger btn--small"
          disabled={busy}
          onClick={() => {
            setConfirming(false);
            void useCallStore.getState().stopRecording();
          }}
        >
          Stop
        </button>
        <button type="button" className="btn btn--ghost btn--small" onClick={() => setConfirming(false)}>
          Keep recording
        </button>
      </span>
    );
  }

  const label = recording ? 'Stop recording' : 'Start recording';
  return (
    <button
      type="button"
      className={`ctrl${recording ? ' ctrl--recording' : ''}`}
      aria-label={label}
      title={label}
      aria-busy={busy}
      disabled={busy || !joined}
      onClick={() => {
        setConfirming(recording);
        if (!recording) void useCallStore.getState().startRecording();
      }}
    >
      <Icon name={recording ? 'stop' : 'record'} />
    </button>
  );
}
