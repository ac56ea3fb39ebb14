import { useConnectionStore } from '../../lib/socket';
import { useCallStore } from './callStore';
import { useConnectionQuality } from './useConnectionQuality';

/**
 * Shown over the call while the socket is down or the room is being re-joined, while audio and
 * video reconnect (a transport lost its connection), and while the connection is poor (low
 * scores on what you send or on most of what you receive).
 */
export function ReconnectBanner() {
  const { status, attempt, error, outdated } = useConnectionStore();
  const rejoining = useCallStore((s) => s.rejoining);
  const mediaStatus = useCallStore((s) => s.mediaStatus);
  const { quality } = useConnectionQuality();
  if (status === 'connected' && !rejoining && mediaStatus === 'failed') {
    return (
      <div className="banner banner--warning" role="status" aria-live="polite" data-testid="media-banner">
        Audio and video could not connect. Reload to try again.
      </div>
    );
  }
  if (status === 'connected' && !rejoining && (mediaStatus === 'reconnecting' || quality === 'reconnecting')) {
    return (
      <div className="banner banner--warning" role="status" aria-live="polite" data-testid="media-banner">
        <span className="spinner spinner--small" aria-hidden="true" />
        Reconnecting audio and video…
      </div>
    );
  }
  if (status === 'connected' && !rejoining && quality === 'poor') {
    return (
      <div className="banner banner--warning" role="status" aria-live="polite" data-testid="poor-connection-banner">
        Poor connection: video may freeze or look blurry.
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
  // The app-wide OutdatedAppBanner says it (and offers the reload).
  if (status === 'disconnected' && outdated) return null;
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
