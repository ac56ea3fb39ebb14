import type { LobbyEntry } from '@minimeet/shared';
import { Alert } from '../../ui/Alert';
import { Avatar } from '../../ui/Avatar';
import { useCallStore } from './callStore';

function WaitingPerson({ entry }: { entry: LobbyEntry }) {
  const { admitFromLobby, denyFromLobby } = useCallStore.getState();
  return (
    <li className="lobby__item" data-user={entry.username}>
      <Avatar name={entry.username} size={28} />
      <span className="people__name">
        {entry.username}
        {entry.guest && <span className="people__guest"> (guest)</span>}
      </span>
      <button type="button" className="btn btn--small" aria-label={`Admit ${entry.username}`} onClick={() => void admitFromLobby(entry.userId)}>
        Admit
      </button>
      <button type="button" className="btn btn--small btn--ghost" aria-label={`Deny ${entry.username}`} onClick={() => void denyFromLobby(entry.userId)}>
        Deny
      </button>
    </li>
  );
}

/** Moderators: who waits in the lobby, with Admit / Deny each and Admit all. Nothing when nobody waits. */
export function LobbyPanel() {
  const waiting = useCallStore((s) => s.lobbyWaiting);
  const error = useCallStore((s) => s.lobbyError);
  if (!waiting.length && !error) return null;
  return (
    <section className="lobby" aria-labelledby="lobby-title">
      <h3 id="lobby-title" className="panel__subtitle">
        Waiting in the lobby ({waiting.length})
      </h3>
      {error && <Alert onDismiss={() => useCallStore.getState().dismissLobbyError()}>{error}</Alert>}
      {waiting.length > 0 && (
        <>
          <ul className="lobby__list" aria-label="Waiting in the lobby">
            {waiting.map((e) => (
              <WaitingPerson key={e.userId} entry={e} />
            ))}
          </ul>
          {waiting.length > 1 && (
            <button type="button" className="btn btn--small" onClick={() => void useCallStore.getState().admitEveryone()}>
              Admit all
            </button>
          )}
        </>
      )}
    </section>
  );
}

/**
 * Moderators with the people panel closed: a knock banner, so nobody waits unseen. Opens the
 * panel with the list.
 */
export function LobbyKnockBanner() {
  const waiting = useCallStore((s) => s.lobbyWaiting);
  const panelOpen = useCallStore((s) => s.sidePanel === 'people');
  if (!waiting.length || panelOpen) return null;
  const first = waiting[0]!;
  const text =
    waiting.length === 1
      ? `${first.username}${first.guest ? ' (guest)' : ''} is waiting in the lobby`
      : `${waiting.length} people are waiting in the lobby`;
  return (
    <div className="call__notice">
      <div className="lobby-knock" role="status">
        <span>{text}</span>
        {waiting.length === 1 && (
          <button type="button" className="btn btn--small" onClick={() => void useCallStore.getState().admitFromLobby(first.userId)}>
            Admit
          </button>
        )}
        <button type="button" className="btn btn--small btn--ghost" onClick={() => useCallStore.getState().setSidePanel('people')}>
          View lobby
        </button>
      </div>
    </div>
  );
}
