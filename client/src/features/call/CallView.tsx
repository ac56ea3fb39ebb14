import type { ReactNode } from 'react';
import { Alert } from '../../ui/Alert';
import { Spinner } from '../../ui/Spinner';
import { ChatPanel } from '../chat/ChatPanel';
import { useCallStore } from './callStore';
import { CallNotice } from './CallNotice';
import { ControlBar } from './ControlBar';
import { LobbyKnockBanner } from './LobbyPanel';
import { LobbyWaiting } from './LobbyWaiting';
import { ParticipantsList } from './ParticipantsList';
import { RecordingIndicator } from './RecordingIndicator';
import { ReconnectBanner } from './ReconnectBanner';
import { RemoteAudio } from './RemoteAudio';
import { VideoGrid } from './VideoGrid';

/**
 * The call itself: notices, the stage, the side panel (chat or people), the controls and the
 * remote audio (or, while held in the lobby, the waiting view). The call page puts the app's header above it; the embed page shows it alone.
 */
export function CallView({ header, onLeave }: { header?: ReactNode; onLeave: () => void }) {
  const status = useCallStore((s) => s.status);
  const mediaError = useCallStore((s) => s.local.error);
  const recordingError = useCallStore((s) => s.recordingError);
  const sidePanel = useCallStore((s) => s.sidePanel);
  const closePanel = () => useCallStore.getState().setSidePanel(null);

  // Held in the room's lobby: the waiting view (own preview, Leave) until a moderator decides.
  if (status === 'waiting') return <LobbyWaiting onLeave={onLeave} />;

  return (
    <div className={`call${sidePanel ? ' call--panel-open' : ''}`}>
      {/* Without the app's header (embedded) the recording indicator still shows: everyone must see it. */}
      {header ?? (
        <div className="call__bare-status">
          <RecordingIndicator />
        </div>
      )}
      <ReconnectBanner />
      <CallNotice />
      {recordingError && (
        <div className="call__notice">
          <Alert onDismiss={() => useCallStore.getState().dismissRecordingError()}>{recordingError}</Alert>
        </div>
      )}
      <LobbyKnockBanner />
      {mediaError && (
        <div className="call__notice">
          <Alert kind="warning" onDismiss={() => useCallStore.getState().dismissMediaError()}>
            {mediaError}
          </Alert>
        </div>
      )}
      <div className="call__body">
        <main className="call__stage" aria-label="Call">
          {status === 'joining' ? (
            <div className="call__joining">
              <Spinner label="Joining the room" />
              <span>Joining…</span>
            </div>
          ) : (
            <VideoGrid />
          )}
        </main>
        {sidePanel && (
          <aside className="call__side" id="side-panel" aria-label={sidePanel === 'chat' ? 'Chat panel' : 'Participants panel'}>
            {sidePanel === 'chat' ? <ChatPanel onClose={closePanel} /> : <ParticipantsList />}
          </aside>
        )}
      </div>
      <ControlBar onLeave={onLeave} />
      <RemoteAudio />
    </div>
  );
}
