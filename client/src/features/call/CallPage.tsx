import { useEffect } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ConnectionIndicator } from '../../ui/ConnectionIndicator';
import { useAuthStore } from '../auth/authStore';
import type { CallError } from './callErrors';
import { useCallStore } from './callStore';
import { CallView } from './CallView';
import type { PreparedMedia } from './localMediaSlice';
import { RecordingIndicator, RecordingsLink } from './RecordingIndicator';
import { useConnectionQuality } from './useConnectionQuality';

export function parseRoomId(raw: string | undefined): number | null {
  if (!raw || !/^\d{1,15}$/.test(raw)) return null;
  const id = Number(raw);
  return id >= 1 ? id : null;
}

/** Why there is no call to show (refused, ended, no such room), with the way back. */
export function CallProblem({ title, message }: { title: string; message: string }) {
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
    case 'LOBBY_DENIED':
      return 'The host did not let you in';
    default:
      return status === 'ended' ? 'The call has ended' : 'Cannot join this room';
  }
}

/**
 * The call. `prepared`: mic and camera chosen on the pre-join screen; without it (tests) the call
 * captures both itself.
 */
export function CallPage({ prepared }: { prepared?: PreparedMedia } = {}) {
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
  const stageView = useCallStore((s) => s.stageView);
  const { quality } = useConnectionQuality();

  const userId = user?.id;
  useEffect(() => {
    if (roomId === null || !user) return;
    // Every join of this page keeps the choices; tracks stopped by an earlier leave are captured anew.
    void useCallStore.getState().join(roomId, user, { inviteToken, ...(prepared ? { prepared } : {}) });
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

  return (
    <CallView
      onLeave={leave}
      header={
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
      }
    />
  );
}
