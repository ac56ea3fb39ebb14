import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { SEARCH_QUERY_MAX } from '../../lib/limits';
import { formatTime } from '../../lib/format';
import { Alert } from '../../ui/Alert';
import { Icon } from '../../ui/Icon';
import { Spinner } from '../../ui/Spinner';
import { useLobbyStore } from './lobbyStore';

/** Full-text search over the messages of every room the user has joined. */
export function ChatSearch() {
  const [q, setQ] = useState('');
  const [roomId, setRoomId] = useState('');
  const rooms = useLobbyStore((s) => s.rooms);
  const search = useLobbyStore((s) => s.search);
  const roomName = (id: number) => rooms.find((r) => r.id === id)?.name ?? `Room ${id}`;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void useLobbyStore.getState().runSearch(q, roomId ? Number(roomId) : null);
  }

  return (
    <section className="card search" aria-labelledby="search-title">
      <h2 id="search-title">Search chat</h2>
      <form className="search__form" role="search" onSubmit={onSubmit}>
        <label className="visually-hidden" htmlFor="search-q">
          Search messages
        </label>
        <input
          id="search-q"
          type="search"
          placeholder="Search messages"
          value={q}
          maxLength={SEARCH_QUERY_MAX}
          onChange={(e) => setQ(e.target.value)}
        />
        <label className="visually-hidden" htmlFor="search-room">
          Room
        </label>
        <select id="search-room" value={roomId} onChange={(e) => setRoomId(e.target.value)}>
          <option value="">All rooms</option>
          {rooms.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn--secondary" disabled={!q.trim()} aria-label="Search">
          <Icon name="search" size={18} />
        </button>
      </form>
      {search.status === 'loading' && <Spinner label="Searching" />}
      {search.status === 'error' && search.error && <Alert>{search.error}</Alert>}
      {search.status === 'ready' &&
        (search.results.length === 0 ? (
          <p className="empty">No messages match “{search.query}”.</p>
        ) : (
          <ul className="search__results" aria-label="Search results">
            {search.results.map(({ message, snippet }) => (
              <li key={message.id}>
                <Link to={`/rooms/${message.roomId}`} className="search-hit">
                  <span className="search-hit__meta">
                    <strong>{roomName(message.roomId)}</strong> · {message.sender.username} · {formatTime(message.createdAt)}
                  </span>
                  <span className="search-hit__snippet">{snippet}</span>
                </Link>
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}
