import { useConnectionStore, type ConnectionStatus } from '../lib/socket';

const LABEL: Record<ConnectionStatus, string> = {
  idle: 'Offline',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};

/** How the call's audio and video are getting through (features/call/connectionQuality). */
export type MediaQuality = 'good' | 'poor' | 'reconnecting';

/**
 * Small dot + text for the Socket.IO connection state. In a call, `media` refines "Connected":
 * "Poor connection" or "Reconnecting…" while the media transports struggle.
 */
export function ConnectionIndicator({ media = 'good' }: { media?: MediaQuality }) {
  const status = useConnectionStore((s) => s.status);
  const state = status === 'connected' && media !== 'good' ? (media === 'poor' ? 'poor' : 'reconnecting') : status;
  const label = state === 'poor' ? 'Poor connection' : LABEL[state];
  return (
    <span className={`conn conn--${state}`} role="status" aria-live="polite" data-state={state}>
      <span className="conn__dot" aria-hidden="true" />
      <span className="conn__label">{label}</span>
    </span>
  );
}
