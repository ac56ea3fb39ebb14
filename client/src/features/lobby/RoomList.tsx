import type { RoomDto } from '@minimeet/shared';
import { Link } from 'react-router';
import { Alert } from '../../ui/Alert';
import { Spinner } from '../../ui/Spinner';
import { useAuthStore } from '../auth/authStore';
import { useLobbyStore } from './lobbyStore';

function RoomItem({ room }: { room: RoomDto }) {
  const full = room.participantCount >= room.maxParticipants;
  const live = room.participantCount > 0;
  const user = useAuthStore((s) => s.session?.user ?? null);
  // Moderators always; members too when the room says so (the page explains a refusal).
  const seesRecordings = !!user && (user.role === 'admin' || user.id === room.ownerId || room.recordingAccess === 'members');
  return (
    <li className="room-item">
      <div className="room-item__main">
        <span className="room-item__name">{room.name}</span>
        {room.visibility === 'private' && <span className="badge badge--muted">Private</span>}
        {room.locked && <span className="badge badge--muted">Locked</span>}
        {room.recording && <span className="badge badge--rec">Recording</span>}
        <span className={`room-item__count${live ? ' room-item__count--live' : ''}`} data-testid="participant-count">
          <span className="visually-hidden">Participants: </span>
          {room.participantCount} / {room.maxParticipants}
          {live && <span className="live-dot" aria-hidden="true" />}
        </span>
      </div>
      {seesRecordings && (
        <Link className="btn btn--ghost btn--small" to={`/rooms/${room.id}/recordings`} aria-label={`Recordings of ${room.name}`}>
          Recordings
        </Link>
      )}
      {full ? (
        <span className="badge badge--muted">Full</span>
      ) : (
        <Link className="btn btn--primary btn--small" to={`/rooms/${room.id}`} aria-label={`Join ${room.name}`}>
          Join
        </Link>
      )}
    </li>
  );
}

export function RoomList() {
  const { rooms, status, error } = useLobbyStore();
  return (
    <section className="card rooms" aria-labelledby="rooms-title">
      <div className="card__head">
        <h2 id="rooms-title">Rooms</h2>
        {status === 'loading' && <Spinner label="Loading rooms" />}
      </div>
      {status === 'error' && error && <Alert>{error}</Alert>}
      {status === 'ready' && rooms.length === 0 && <p className="empty">No rooms yet. Create the first one.</p>}
      {rooms.length > 0 && (
        <ul className="room-list" aria-label="Rooms">
          {rooms.map((r) => (
            <RoomItem key={r.id} room={r} />
          ))}
        </ul>
      )}
    </section>
  );
}
