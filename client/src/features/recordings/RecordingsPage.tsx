import type { RoomDto } from '@minimeet/shared';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { AppHeader } from '../../app/AppHeader';
import { Alert } from '../../ui/Alert';
import { Spinner } from '../../ui/Spinner';
import { useAuthStore } from '../auth/authStore';
import { parseRoomId } from '../call/CallPage';
import { lobbyApi } from '../lobby/lobbyApi';
import { RecordingItem } from './RecordingItem';
import './recordings.css';
import { useRoomRecordings } from './useRoomRecordings';

/** /rooms/:id/recordings: the room's recordings, for its moderators (and members if the room allows). */
export function RecordingsPage() {
  const { id } = useParams();
  const roomId = parseRoomId(id);
  return (
    <div className="page">
      <AppHeader />
      <main className="recordings-page" aria-labelledby="recordings-title">
        {roomId === null ? <Alert>This address does not point to a room.</Alert> : <RoomRecordings key={roomId} roomId={roomId} />}
      </main>
    </div>
  );
}

function RoomRecordings({ roomId }: { roomId: number }) {
  const user = useAuthStore((s) => s.session?.user ?? null);
  const [room, setRoom] = useState<RoomDto | null>(null);
  const { recordings, status, error, drop } = useRoomRecordings(roomId);

  useEffect(() => {
    let live = true;
    // Only for the title and who may delete; the list says itself whether it may be seen.
    lobbyApi.getRoom(roomId).then(
      (r) => live && setRoom(r),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [roomId]);

  const moderator = !!user && !!room && (user.role === 'admin' || user.id === room.ownerId);
  return (
    <section className="card recordings">
      <div className="card__head">
        <h1 id="recordings-title">Recordings{room ? ` of ${room.name}` : ''}</h1>
        {status === 'loading' && <Spinner label="Loading recordings" />}
      </div>
      <p className="recordings__nav">
        <Link to="/">Back to lobby</Link> · <Link to={`/rooms/${roomId}`}>Join the call</Link>
      </p>
      {error && <Alert>{error}</Alert>}
      {status === 'ready' && recordings.length === 0 && (
        <p className="empty">No recordings yet. A moderator starts one from the call's controls.</p>
      )}
      {recordings.length > 0 && (
        <ul className="recording-list" aria-label="Recordings">
          {recordings.map((r) => (
            <RecordingItem key={r.id} recording={r} canDelete={moderator} onDeleted={drop} />
          ))}
        </ul>
      )}
    </section>
  );
}
