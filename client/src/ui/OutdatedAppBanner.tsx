import { OUTDATED_APP_MESSAGE, useConnectionStore } from '../lib/socket';

/**
 * On every page once the server refused this app's protocol version: the tab runs another
 * release than the server (a cached app, or a server upgraded meanwhile), and only a reload fixes it.
 */
export function OutdatedAppBanner({ reload = () => window.location.reload() }: { reload?: () => void }) {
  const outdated = useConnectionStore((s) => s.outdated);
  if (!outdated) return null;
  return (
    <div className="banner banner--error" role="alert" data-testid="outdated-app-banner">
      <span>
        {OUTDATED_APP_MESSAGE}{' '}
        <small>
          (app protocol {outdated.clientVersion}, server {outdated.serverVersion})
        </small>
      </span>
      <button type="button" className="btn btn--small btn--primary" onClick={reload}>
        Reload
      </button>
    </div>
  );
}
