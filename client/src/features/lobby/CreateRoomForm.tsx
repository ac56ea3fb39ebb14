import type { RoomKind } from '@minimeet/shared';
import { ROOM_DEFAULT_PARTICIPANTS, ROOM_NAME_MAX } from '../../lib/limits';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { AppError, describeError } from '../../lib/errors';
import { Alert } from '../../ui/Alert';
import { Field } from '../../ui/Field';
import { useLobbyStore } from './lobbyStore';
import { RoomSizeField } from './RoomSizeField';

export function CreateRoomForm() {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [max, setMax] = useState(String(ROOM_DEFAULT_PARTICIPANTS));
  const [isPrivate, setIsPrivate] = useState(false);
  const [kind, setKind] = useState<RoomKind>('meeting');
  const [busy, setBusy] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setFieldErrors({});
    setFormError(null);
    try {
      const room = await useLobbyStore.getState().createRoom(name, Number(max) || undefined, isPrivate ? 'private' : 'public', kind);
      setName('');
      navigate(`/rooms/${room.id}`);
    } catch (err) {
      if (err instanceof AppError && err.fields && (err.fields.name || err.fields.maxParticipants)) setFieldErrors(err.fields);
      else setFormError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card create-room" onSubmit={onSubmit} noValidate aria-labelledby="create-room-title">
      <h2 id="create-room-title">New room</h2>
      {formError && <Alert>{formError}</Alert>}
      <div className="create-room__fields">
        <Field
          label="Room name"
          name="name"
          value={name}
          maxLength={ROOM_NAME_MAX}
          onChange={(e) => setName(e.target.value)}
          errors={fieldErrors.name}
          placeholder="Daily stand-up"
          required
        />
        <RoomSizeField value={max} onChange={setMax} errors={fieldErrors.maxParticipants} />
      </div>
      <fieldset className="create-room__kind">
        <legend>Kind</legend>
        <label>
          <input type="radio" name="kind" value="meeting" checked={kind === 'meeting'} onChange={() => setKind('meeting')} />
          <span>Meeting</span>
          <span className="create-room__hint">Everyone can talk and show video.</span>
        </label>
        <label>
          <input type="radio" name="kind" value="webinar" checked={kind === 'webinar'} onChange={() => setKind('webinar')} />
          <span>Webinar</span>
          <span className="create-room__hint">Hosts and people brought on stage talk; the audience watches. Max people is the stage.</span>
        </label>
      </fieldset>
      <label className="create-room__private">
        <input type="checkbox" name="private" checked={isPrivate} onChange={(e) => setIsPrivate(e.target.checked)} />
        <span>Private room</span>
        <span className="create-room__hint">Unlisted; people join with an invite link.</span>
      </label>
      <button type="submit" className="btn btn--primary" disabled={busy || !name.trim()}>
        {busy ? 'Creating…' : 'Create and join'}
      </button>
    </form>
  );
}
