import type { MutableSource } from '@minimeet/shared';
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { describeError } from '../../lib/errors';
import { Alert } from '../../ui/Alert';
import { Avatar } from '../../ui/Avatar';
import { Icon } from '../../ui/Icon';
import { useCallStore } from './callStore';
import { buildTiles, type TileModel } from './tiles';
import { HostControls } from './HostControls';
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

export function ParticipantsList() {
  const parts = useCallStore(
    useShallow((s) => ({ self: s.self, participants: s.participants, remote: s.remote, local: s.local, activeSpeakerId: s.activeSpeakerId })),
  );
  const moderator = useIsModerator();
  const [error, setError] = useState<string | null>(null);
  const people = useMemo(() => buildTiles(parts).filter((t) => t.source === 'camera'), [parts]);
  return (
    <section className="panel" aria-labelledby="people-title">
      <h2 id="people-title" className="panel__title">
        Participants ({people.length})
      </h2>
      {moderator && <HostControls />}
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
      <ul className="people" aria-label="Participants">
        {people.map((p) => (
          <li key={p.key} className={`people__item${p.speaking ? ' people__item--speaking' : ''}`} data-user={p.username}>
            <Avatar name={p.username} size={28} />
            <span className="people__name">
              {p.username}
              {p.isLocal && <span className="people__you"> (you)</span>}
            </span>
            <span className="people__state">
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
            {moderator && !p.isLocal && <ModeratorActions person={p} onError={setError} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
