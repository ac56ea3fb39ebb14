import { useEffect } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { Alert } from '../../ui/Alert';
import { ConnectionIndicator } from '../../ui/ConnectionIndicator';
import { Spinner } from '../../ui/Spinner';
import { useAuthStore } from '../auth/authStore';
import { ChatPanel } from '../chat/ChatPanel';
import type { CallError } from './callErrors';
import { useCallStore } from './callStore';
import { CallNotice } from './CallNotice';
import { ControlBar } from './ControlBar';
import { ParticipantsList } from './ParticipantsList';
import { RecordingIndicator, RecordingsLink } from './RecordingIndicator';
import { ReconnectBanner } from './ReconnectBanner';
import { RemoteAudio } from './RemoteAudio';
import { useConnectionQuality } from './useConnectionQuality';
import { VideoGrid } from './VideoGrid';

export function parseRoomId(raw: string | undefined): number | null {
  if (!raw || !/^\d{1,15}$/.test(raw)) return null;
  const id = Number(raw);
  return id >= 1 ? id : null;
}

function CallProblem({ title, message }: { title: string; message: string }) {
  return (
    <main className="page page--center">
      <div className="card error-page" role="alert">
        <h1>{title}</h1>
        <p>{message}</p>
        <Link className="btn btn--primary" to="/">
          Back to lobby
        </Link>
      </div>
    </main>
  );
}

function problemTitle(status: 'error' | 'ended', error: CallError | null): string {
  switch (error?.code) {
    case 'REMOVED_FROM_ROOM':
      return 'You were removed';
    case 'ROOM_LOCKED':
      return 'This room is locked';
    case 'INVITE_REQUIRED':
      return 'This room is private';
    case 'NOT_FOUND':
      return 'Room not found';
    case 'CALL_ENDED':
      return 'The host ended the call';
    default:
      return status === 'ended' ? 'The call has ended' : 'Cannot join this room';
  }
}

export function CallPage() {
  const { id } = useParams();
  const roomId = parseRoomId(id);
  const [searchParams] = useSearchParams();
  const inviteToken = searchParams.get('invite');
  const navigate = useNavigate();
  const user = useAuthStore((s) => s.session?.user ?? null);
  const status = useCallStore((s) => s.status);
  const error = useCallStore((s) => s.error);
  const room = useCallStore((s) => s.room);
  const count = useCallStore((s) => s.participants.length);
  // In a webinar maxParticipants bounds the stage: count who is on it, and the audience apart.
  const audience = useCallStore((s) => s.participants.filter((p) => p.role === 'attendee').length);
  const mediaError = useCallStore((s) => s.local.error);
  const recordingError = useCallStore((s) => s.recordingError);
  const sidePanel = useCallStore((s) => s.sidePanel);
  const stageView = useCallStore((s) => s.stageView);
  const { quality } = useConnectionQuality();

  const userId = user?.id;
  useEffect(() => {
    if (roomId === null || !user) return;
    void useCallStore.getState().join(roomId, user, { inviteToken });
    return () => {
      void useCallStore.getState().leave();
    };
    // The user object identity changes on re-login only; the id is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [roomId, userId, inviteToken]);

  if (roomId === null) return <CallProblem title="Room not found" message="This address does not point to a room." />;
  if (status === 'error' || status === 'ended') {
    return <CallProblem title={problemTitle(status, error)} message={error?.message ?? 'Unknown error.'} />;
  }

  const leave = () => {
    void useCallStore.getState().leave();
    navigate('/');
  };
  const closePanel = () => useCallStore.getState().setSidePanel(null);

  return (
    <div className={`call${sidePanel ? ' call--panel-open' : ''}`}>
      <header className="call__header">
        <Link to="/" className="brand brand--compact" aria-label="MiniMeet lobby">
          <span className="brand__logo" aria-hidden="true" />
        </Link>
        <h1 className="call__title">{room?.name ?? 'Joining…'}</h1>
        <RecordingIndicator />
        {room && room.kind !== 'webinar' && (
          <span className="call__count" aria-label={`${count} of ${room.maxParticipants} people`}>
            {count}/{room.maxParticipants}
          </span>
        )}
        {room?.kind === 'webinar' && (
          <span className="call__count" aria-label={`Webinar: ${count - audience} of ${room.maxParticipants} on stage, ${audience} in the audience`}>
            Webinar · {count - audience}/{room.maxParticipants} on stage · {audience} watching
          </span>
        )}
        <span className="call__spacer" />
        <RecordingsLink />
        <span className="stage__views" role="group" aria-label="Layout">
          {(['grid', 'speaker'] as const).map((v) => (
            <button
              key={v}
              type="button"
              className={`btn btn--small${stageView === v ? '' : ' btn--ghost'}`}
              aria-pressed={stageView === v}
              onClick={() => useCallStore.getState().setStageView(v)}
            >
              {v === 'grid' ? 'Grid' : 'Speaker'}
            </button>
          ))}
        </span>
        <ConnectionIndicator media={quality} />
      </header>
      <ReconnectBanner />
      <CallNotice />
      {recordingError && (
        <div className="call__notice">
          <Alert onDismiss={() => useCallStore.getState().dismissRecordingError()}>{recordingError}</Alert>
        </div>
      )}
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
      <ControlBar onLeave={leave} />
      <RemoteAudio />
    </div>
  );
}
