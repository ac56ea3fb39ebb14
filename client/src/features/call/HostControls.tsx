import { useEffect, useState } from 'react';
import type { LobbyMode, UpdateRoomRequest } from '@minimeet/shared';
import { describeError } from '../../lib/errors';
import { Alert } from '../../ui/Alert';
import { useCallStore } from './callStore';
import { inviteLink, moderationApi } from './moderationApi';
import { RoomSizeSetting } from './RoomSizeSetting';

/** Who waits in the lobby until a host lets them in. */
const LOBBY_CHOICES: ReadonlyArray<[LobbyMode, string]> = [
  ['off', 'Off'],
  ['guests', 'Guests only'],
  ['everyone', 'Everyone'],
];

/**
 * The owner's and admins' room controls: invite link (copy, rotate), private, lock, join-muted
 * and guest toggles, the lobby, mute everyone, end the call for everyone. Rendered only for them (see useIsModerator).
 */
export function HostControls() {
  const room = useCallStore((s) => s.room);
  const [link, setLink] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const roomId = room?.id;

  useEffect(() => {
    if (roomId === undefined) return;
    let cancelled = false;
    moderationApi
      .invite(roomId)
      .then((inv) => !cancelled && setLink(inviteLink(window.location.origin, roomId, inv.inviteToken)))
      .catch((err: unknown) => !cancelled && setError(describeError(err)));
    return () => {
      cancelled = true;
    };
  }, [roomId]);

  if (!room) return null;

  async function run(work: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  // Optimistic: the toggle shows the new setting at once and goes back if the server refuses.
  const update = (
    body: Pick<UpdateRoomRequest, 'visibility' | 'locked' | 'joinMuted' | 'allowGuests' | 'lobby' | 'recordingAccess'>,
  ) => {
    const before = room;
    useCallStore.setState({ room: { ...room, ...body } });
    return run(async () => {
      try {
        const updated = await moderationApi.updateRoom(room.id, body);
        useCallStore.setState({ room: { ...updated, participantCount: useCallStore.getState().participants.length } });
      } catch (err) {
        useCallStore.setState({ room: before });
        throw err;
      }
    });
  };

  const copy = () =>
    run(async () => {
      if (!link) return;
      await navigator.clipboard?.writeText(link);
      setCopied(true);
    });

  const rotate = () =>
    run(async () => {
      const inv = await moderationApi.rotateInvite(room.id);
      setLink(inviteLink(window.location.origin, room.id, inv.inviteToken));
      setCopied(false);
    });


  const isPrivate = room.visibility === 'private';
  return (
    <section className="host-controls" aria-labelledby="host-controls-title">
      <h3 id="host-controls-title" className="panel__subtitle">
        Host controls
      </h3>
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
      <label className="host-controls__toggle">
        <input type="checkbox" checked={isPrivate} disabled={busy} onChange={(e) => void update({ visibility: e.target.checked ? 'private' : 'public' })} />
        <span>Private room (invite link only)</span>
      </label>
      <label className="host-controls__toggle">
        <input type="checkbox" checked={room.locked} disabled={busy} onChange={(e) => void update({ locked: e.target.checked })} />
        <span>Lock room (nobody new can join)</span>
      </label>
      <RoomSizeSetting key={room.maxParticipants} room={room} />
      <label className="host-controls__toggle">
        <input type="checkbox" checked={room.joinMuted} disabled={busy} onChange={(e) => void update({ joinMuted: e.target.checked })} />
        <span>Join muted (new people start with their microphone off)</span>
      </label>
      <label className="host-controls__toggle">
        <input type="checkbox" checked={room.allowGuests} disabled={busy} onChange={(e) => void update({ allowGuests: e.target.checked })} />
        <span>Allow guests (people without an account join by the link with a name)</span>
      </label>
      <label className="host-controls__toggle">
        <span>Lobby</span>
        <select value={room.lobby ?? 'off'} disabled={busy} onChange={(e) => void update({ lobby: e.target.value as LobbyMode })} aria-label="Lobby">
          {LOBBY_CHOICES.map(([mode, label]) => (
            <option key={mode} value={mode}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="host-controls__toggle">
        <input
          type="checkbox"
          checked={room.recordingAccess === 'members'}
          disabled={busy}
          onChange={(e) => void update({ recordingAccess: e.target.checked ? 'members' : 'moderators' })}
        />
        <span>Recordings visible to members (everyone who joined can watch and download them)</span>
      </label>
      <div className="host-controls__row">
        <button type="button" className="btn btn--small" onClick={() => void run(() => moderationApi.muteAll(room.id))} disabled={busy}>
          Mute everyone
        </button>
      </div>
      <div className="host-controls__invite">
        <label htmlFor="invite-link">Invite link</label>
        <input id="invite-link" readOnly value={link ?? ''} placeholder="Loading…" onFocus={(e) => e.target.select()} />
        <div className="host-controls__row">
          <button type="button" className="btn btn--small" onClick={() => void copy()} disabled={busy || !link}>
            {copied ? 'Copied' : 'Copy invite link'}
          </button>
          <button type="button" className="btn btn--small btn--ghost" onClick={() => void rotate()} disabled={busy}>
            New link
          </button>
        </div>
        <p className="host-controls__hint">A new link stops the old one from admitting anyone new.</p>
      </div>
      {confirmEnd ? (
        <div className="host-controls__row" role="group" aria-label="Confirm ending the call">
          <span>End the call for everyone?</span>
          <button type="button" className="btn btn--danger btn--small" onClick={() => void run(() => moderationApi.endCall(room.id))} disabled={busy}>
            Yes, end it
          </button>
          <button type="button" className="btn btn--small btn--ghost" onClick={() => setConfirmEnd(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" className="btn btn--danger btn--small" onClick={() => setConfirmEnd(true)} disabled={busy}>
          End call for everyone
        </button>
      )}
    </section>
  );
}
