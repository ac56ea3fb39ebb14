import { formatClock, formatTime } from '../../lib/format';
import { useNow } from '../../lib/useNow';
import { useAuthStore } from '../auth/authStore';
import { useCallStore } from './callStore';
import { useIsModerator } from './useModerator';
import './recording.css';

/**
 * Everyone in the call sees that it is being recorded: a red dot, "Recording" and the time since
 * it started; who started it on hover.
 */
export function RecordingIndicator() {
  const recording = useCallStore((s) => s.recording);
  if (!recording?.recording) return null;
  return <RunningRecording startedAt={recording.startedAt} by={recording.by?.username ?? null} />;
}

function RunningRecording({ startedAt, by }: { startedAt: string | null; by: string | null }) {
  const now = useNow(1000);
  const started = startedAt ? Date.parse(startedAt) : NaN;
  const elapsed = Number.isNaN(started) ? null : formatClock(now - started);
  const title = [
    'This call is being recorded',
    by ? `started by ${by}` : null,
    startedAt && !Number.isNaN(started) ? `at ${formatTime(startedAt)}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <span className="rec-indicator" data-testid="recording-indicator" title={title} aria-label={title}>
      <span className="rec-indicator__dot" aria-hidden="true" />
      <span aria-hidden="true">Recording</span>
      {elapsed && (
        <span className="rec-indicator__time" aria-hidden="true">
          {elapsed}
        </span>
      )}
    </span>
  );
}

/**
 * The room's recordings, for those allowed to see them (moderators; members too when the room
 * says so). Opens in a new tab: leaving this page would leave the call.
 */
export function RecordingsLink() {
  const moderator = useIsModerator();
  const room = useCallStore((s) => s.room);
  const guest = useAuthStore((s) => s.session?.user.role === 'guest');
  if (!room || guest || !(moderator || room.recordingAccess === 'members')) return null;
  return (
    <a className="btn btn--ghost btn--small" href={`/rooms/${room.id}/recordings`} target="_blank" rel="noopener">
      Recordings
    </a>
  );
}
