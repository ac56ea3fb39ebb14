import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Avatar } from '../../ui/Avatar';
import { Icon } from '../../ui/Icon';
import { buildTiles, useCallStore } from './callStore';

export function ParticipantsList() {
  const parts = useCallStore(
    useShallow((s) => ({ self: s.self, participants: s.participants, remote: s.remote, local: s.local, activeSpeakerId: s.activeSpeakerId })),
  );
  const people = useMemo(() => buildTiles(parts).filter((t) => t.source === 'camera'), [parts]);
  return (
    <section className="panel" aria-labelledby="people-title">
      <h2 id="people-title" className="panel__title">
        Participants ({people.length})
      </h2>
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
          </li>
        ))}
      </ul>
    </section>
  );
}
