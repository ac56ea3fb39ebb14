import { Alert } from '../../ui/Alert';
import { useCallStore } from './callStore';

/** Tells you what a moderator did to you ("The host muted your microphone"). */
export function CallNotice() {
  const notice = useCallStore((s) => s.notice);
  if (!notice) return null;
  return (
    <div className="call__notice">
      <Alert kind="info" onDismiss={() => useCallStore.getState().dismissNotice()}>
        <span data-testid="call-notice">{notice}</span>
      </Alert>
    </div>
  );
}
