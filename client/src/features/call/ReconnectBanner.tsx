import { useConnectionStore } from '../../lib/socket';
import { useCallStore } from './callStore';

/** Shown over the call while the socket is down or the room is being re-joined. */
export function ReconnectBanner() {
  const { status, attempt, error } = useConnectionStore();
  const rejoining = useCallStore((s) => s.rejoining);
  const mediaStatus = useCallStore((s) => s.mediaStatus);
  if (status === 'connected' && !rejoining && (mediaStatus === 'reconnecting' || mediaStatus === 'failed')) {
    return (
      <div className="banner banner--warning" role="status" aria-live="polite" data-testid="media-banner">
        {mediaStatus === 'reconnecting' ? 'Reconnecting audio and video…' : 'Audio and video could not connect. Reload to try again.'}
      </div>
    );
  }
  if (status === 'reconnecting' || rejoining) {
    return (
      <div className="banner banner--warning" role="status" aria-live="polite" data-testid="reconnecting-banner">
        <span className="spinner spinner--small" aria-hidden="true" />
        {rejoining ? 'Rejoining the call…' : `Connection lost. Reconnecting${attempt > 1 ? ` (attempt ${attempt})` : ''}…`}
      </div>
    );
  }
  if (status === 'disconnected') {
    return (
      <div className="banner banner--error" role="alert">
        {error ?? 'Disconnected from the server.'}
        <button type="button" className="btn btn--small btn--secondary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
  return null;
}
