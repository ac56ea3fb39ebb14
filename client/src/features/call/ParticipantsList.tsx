import type { MutableSource, Participant } from '@minimeet/shared';
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { describeError } from '../../lib/errors';
import { Alert } from '../../ui/Alert';
import { Avatar } from '../../ui/Avatar';
import { Icon } from '../../ui/Icon';
import { VirtualList } from '../../ui/VirtualList';
import { useCallStore } from './callStore';
import { buildTiles, type TileModel } from './tiles';
import { HostControls } from './HostControls';
import { LobbyPanel } from './LobbyPanel';
import { moderationApi } from './moderationApi';
import { useIsModerator } from './useModerator';

/** Mute mic / camera and remove, for the owner and admins, on everyone but themselves. */
function ModeratorActions({ person, onError }: { person: TileModel; onError: (message: string) => void }) {
  const roomId = useCallStore((s) => s.roomId);
  const [busy, setBusy] = useState(false);
  if (roomId === null) return null;
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
    } catch (err) {
      onError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const mute = (source: MutableSource) => run(() => moderationApi.mute(roomId, person.userId, source));
  return (
    <span className="people__actions">
      <button
        type="button"
        className="btn btn--ghost btn--small"
        aria-label={`Mute ${person.username}'s microphone`}
        title="Mute microphone"
        disabled={busy || person.micOff}
        onClick={() => void mute('mic')}
      >
        <Icon name="micOff" size={16} />
      </button>
      <button
        type="button"
        className="btn btn--ghost btn--small"
        aria-label={`Turn off ${person.username}'s camera`}
        title="Turn off camera"
        disabled={busy || person.cameraOff}
        onClick={() => void mute('camera')}
      >
        <Icon name="cameraOff" size={16} />
      </button>
      <button
        type="button"
        className="btn btn--ghost btn--small people__remove"
        aria-label={`Remove ${person.username} from the room`}
        title="Remove from the room"
        disabled={busy}
        onClick={() => void run(() => moderationApi.remove(roomId, person.userId))}
      >
        Remove
      </button>
    </span>
  );
}

/** A host's "Bring on stage" / "Back to audience" for one webinar participant. */
function StageAction({ userId, username, onStage, onError }: { userId: number; username: string; onStage: boolean; onError: (message: string) => void }) {
  const roomId = useCallStore((s) => s.roomId);
  const [busy, setBusy] = useState(false);
  if (roomId === null) return null;
  const move = async () => {
    setBusy(true);
    try {
      await moderationApi.setStage(roomId, userId, !onStage);
    } catch (err) {
      onError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const label = onStage ? 'Back to audience' : 'Bring on stage';
  // Short on the stage rows, which also carry the mute and remove buttons.
  return (
    <button type="button" className="btn btn--ghost btn--small people__stage" aria-label={`${label}: ${username}`} title={label} disabled={busy} onClick={() => void move()}>
      {onStage ? 'To audience' : label}
    </button>
  );
}

/** A webinar's audience: everyone who only watches, with "Bring on stage" for hosts. */
function Attendees({ attendees, search, moderator, raised, onError }: { attendees: Participant[]; search: string; moderator: boolean; raised: Set<number>; onError: (message: string) => void }) {
  const selfId = useCallStore((s) => s.self?.id);
  const shown = useMemo(() => attendees.filter((p) => matchesSearch(p.username, search)), [attendees, search]);
  return (
    <section aria-labelledby="attendees-title">
      <h3 id="attendees-title" className="panel__subtitle">
        Attendees ({attendees.length})
      </h3>
      <VirtualList
        items={shown}
        rowHeight={PARTICIPANT_ROW_PX}
        label="Attendees"
        className="people"
        itemKey={(p) => String(p.userId)}
        rowProps={(p) => ({ className: 'people__item', 'data-user': p.username, 'data-hand': raised.has(p.userId) ? 'true' : undefined })}
        renderRow={(p) => (
          <>
            <Avatar name={p.username} size={28} />
            <span className="people__name">
              {p.username}
              {p.guest && <span className="people__guest"> (guest)</span>}
              {p.userId === selfId && <span className="people__you"> (you)</span>}
            </span>
            <span className="people__state">
              {raised.has(p.userId) && (
                <span title="Hand raised" role="img" aria-label="Hand raised">
                  <Icon name="hand" size={16} />
                </span>
              )}
            </span>
            {moderator && <StageAction userId={p.userId} username={p.username} onStage={false} onError={onError} />}
          </>
        )}
      />
    </section>
  );
}

/** Height of one participant row (px); the list renders only the rows in view. */
export const PARTICIPANT_ROW_PX = 44;

/** People whose name contains the search (case- and accent-insensitive); all for an empty search. */
export function matchesSearch(username: string, search: string): boolean {
  const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  const q = fold(search.trim());
  return q === '' || fold(username).includes(q);
}

/** The raised hands in order; moderators lower anyone's, everyone their own. */
function HandQueue({ moderator }: { moderator: boolean }) {
  const hands = useCallStore((s) => s.hands);
  const selfId = useCallStore((s) => s.self?.id);
  if (hands.length === 0) return null;
  return (
    <section aria-labelledby="hands-title">
      <h3 id="hands-title" className="panel__subtitle">
        Raised hands ({hands.length})
      </h3>
      <ol className="hands" aria-label="Raised hands">
        {hands.map((h, i) => (
          <li key={h.userId} className="hands__item" data-user={h.username}>
            <span aria-hidden="true">{i + 1}.</span>
            <span className="hands__name">
              {h.username}
              {h.userId === selfId && <span className="people__you"> (you)</span>}
            </span>
            {(moderator || h.userId === selfId) && (
              <button
                type="button"
                className="btn btn--ghost btn--small"
                aria-label={h.userId === selfId ? 'Lower your hand' : `Lower ${h.username}'s hand`}
                onClick={() => void useCallStore.getState().lowerHand(h.userId === selfId ? undefined : h.userId)}
              >
                Lower
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function ParticipantsList() {
  const parts = useCallStore(
    useShallow((s) => ({ self: s.self, role: s.role, participants: s.participants, remote: s.remote, local: s.local, activeSpeakerId: s.activeSpeakerId })),
  );
  const hands = useCallStore((s) => s.hands);
  const ownerId = useCallStore((s) => s.room?.ownerId);
  const moderator = useIsModerator();
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const people = useMemo(() => buildTiles(parts).filter((t) => t.source === 'camera'), [parts]);
  const shown = useMemo(() => people.filter((p) => matchesSearch(p.username, search)), [people, search]);
  const raised = useMemo(() => new Set(hands.map((h) => h.userId)), [hands]);
  const webinar = useCallStore((s) => s.room?.kind === 'webinar');
  const attendees = useMemo(() => parts.participants.filter((p) => p.role === 'attendee'), [parts.participants]);
  const speakers = useMemo(() => new Set(parts.participants.filter((p) => p.role === 'speaker').map((p) => p.userId)), [parts.participants]);
  return (
    <section className="panel" aria-labelledby="people-title">
      <h2 id="people-title" className="panel__title">
        {webinar ? `On stage (${people.length})` : `Participants (${people.length})`}
      </h2>
      <LobbyPanel />
      {moderator && <HostControls />}
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
      <HandQueue moderator={moderator} />
      <input
        type="search"
        className="people__search"
        placeholder="Search people"
        aria-label="Search participants"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {shown.length === 0 && search && <p className="panel__empty">Nobody called “{search.trim()}”.</p>}
      <VirtualList
        items={shown}
        rowHeight={PARTICIPANT_ROW_PX}
        label="Participants"
        className="people"
        itemKey={(p) => p.key}
        rowProps={(p) => ({
          className: `people__item${p.speaking ? ' people__item--speaking' : ''}`,
          'data-user': p.username,
          'data-hand': raised.has(p.userId) ? 'true' : undefined,
          'data-speaking': p.speaking ? 'true' : undefined,
        })}
        renderRow={(p) => (
          <>
            <Avatar name={p.username} size={28} />
            <span className="people__name">
              {p.username}
              {p.guest && <span className="people__guest"> (guest)</span>}
              {p.isLocal && <span className="people__you"> (you)</span>}
            </span>
            {p.userId === ownerId && <span className="people__mark">Host</span>}
            <span className="people__state">
              {raised.has(p.userId) && (
                <span title="Hand raised" role="img" aria-label="Hand raised">
                  <Icon name="hand" size={16} />
                </span>
              )}
              {p.speaking && <span className="visually-hidden">Speaking</span>}
              {p.micOff && (
                <span title="Microphone off">
                  <Icon name="micOff" size={16} />
                  <span className="visually-hidden">Microphone off</span>
                </span>
              )}
              {p.cameraOff && (
                <span title="Camera off">
                  <Icon name="cameraOff" size={16} />
                  <span className="visually-hidden">Camera off</span>
                </span>
              )}
            </span>
            {moderator && webinar && speakers.has(p.userId) && (
              <StageAction userId={p.userId} username={p.username} onStage onError={setError} />
            )}
            {moderator && !p.isLocal && <ModeratorActions person={p} onError={setError} />}
          </>
        )}
      />
      {webinar && <Attendees attendees={attendees} search={search} moderator={moderator} raised={raised} onError={setError} />}
    </section>
  );
}
