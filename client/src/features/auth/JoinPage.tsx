import { useEffect, useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { describeError } from '../../lib/errors';
import { Alert } from '../../ui/Alert';
import { Spinner } from '../../ui/Spinner';
import { useAuthStore } from './authStore';

/**
 * `/join?token=…`: an app sent its user here with a join token it minted with its API key. The
 * token is exchanged for a session limited to that room, and the room's call opens.
 */
export function JoinPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token');
  const [error, setError] = useState<string | null>(token ? null : 'This link has no join token.');

  useEffect(() => {
    if (!token) return;
    let cancelled = false;
    useAuthStore
      .getState()
      .joinExternal(token)
      .then(
        (roomId) => !cancelled && navigate(`/rooms/${roomId}`, { replace: true }),
        (err: unknown) => !cancelled && setError(describeError(err)),
      );
    return () => {
      cancelled = true;
    };
  }, [token, navigate]);

  return (
    <main className="page page--center">
      <div className="card error-page">
        <h1>Joining the call</h1>
        {error ? <Alert>{`This join link does not work: ${error}`}</Alert> : <Spinner />}
      </div>
    </main>
  );
}

/**
 * `/` for a room-limited session (an app's user): there is no lobby for it (REST refuses room
 * lists), so leaving the call lands here, with the way back into its one room.
 */
export function LeftRoomCall({ roomId }: { roomId: number }) {
  return (
    <main className="page page--center">
      <div className="card error-page">
        <h1>You left the call</h1>
        <p>You can close this page, or go back in.</p>
        <Link className="btn btn--primary" to={`/rooms/${roomId}`}>
          Rejoin the call
        </Link>
      </div>
    </main>
  );
}

/** The lobby, or for an app's user the page above. */
export function HomePage({ lobby }: { lobby: ReactNode }) {
  const scope = useAuthStore((s) => s.session?.user.roomScope);
  return scope ? <LeftRoomCall roomId={scope.roomId} /> : <>{lobby}</>;
}
