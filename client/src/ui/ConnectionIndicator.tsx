import { useConnectionStore, type ConnectionStatus } from '../lib/socket';

const LABEL: Record<ConnectionStatus, string> = {
  idle: 'Offline',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};

/** Small dot + text for the Socket.IO connection state. */
export function ConnectionIndicator() {
  const status = useConnectionStore((s) => s.status);
  return (
    <span className={`conn conn--${status}`} role="status" aria-live="polite" data-state={status}>
      <span className="conn__dot" aria-hidden="true" />
      <span className="conn__label">{LABEL[status]}</span>
    </span>
  );
}
