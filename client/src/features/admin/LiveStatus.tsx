import { useConnectionStore } from '../../lib/socket';
import { Alert } from '../../ui/Alert';
import { formatAgo } from './adminFormat';
import { useAdminLiveStore } from './adminLiveStore';
import { useNow } from '../../lib/useNow';

/** Missing this many snapshot intervals in a row counts as stale. */
const STALE_INTERVALS = 3;

/** Where the live data stands: connecting, live (updated N s ago), stale, reconnecting, error. */
export function LiveStatus() {
  const status = useAdminLiveStore((s) => s.status);
  const receivedAt = useAdminLiveStore((s) => s.receivedAt);
  const intervalMs = useAdminLiveStore((s) => s.intervalMs);
  const error = useAdminLiveStore((s) => s.error);
  const connection = useConnectionStore((s) => s.status);
  const now = useNow(1000);

  if (status === 'error') {
    return (
      <Alert>
        Live statistics are unavailable: {error}{' '}
        <button type="button" className="link-btn" onClick={() => useAdminLiveStore.getState().resubscribe()}>
          Retry
        </button>
      </Alert>
    );
  }

  const ago = receivedAt === null ? null : now - receivedAt;
  const stale = ago !== null && intervalMs !== null && ago > intervalMs * STALE_INTERVALS;
  let state: 'connecting' | 'live' | 'stale' | 'offline';
  let text: string;
  if (connection !== 'connected') {
    state = 'offline';
    text = connection === 'reconnecting' ? 'Reconnecting to the server…' : 'Connecting to the server…';
  } else if (receivedAt === null) {
    state = 'connecting';
    text = 'Waiting for the first statistics…';
  } else {
    state = stale ? 'stale' : 'live';
    text = stale ? 'No new statistics' : 'Live';
  }
  return (
    <p className={`live-status live-status--${state}`} role="status" data-state={state}>
      <span className="live-status__dot" aria-hidden="true" />
      <span>{text}</span>
      {ago !== null && <span className="live-status__ago"> · updated {formatAgo(ago)}</span>}
      {intervalMs !== null && <span className="live-status__interval"> · every {Math.round(intervalMs / 100) / 10} s</span>}
    </p>
  );
}
