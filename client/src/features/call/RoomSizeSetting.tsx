import type { RoomDto } from '@minimeet/shared';
import { useState, type FormEvent } from 'react';
import { AppError, describeError } from '../../lib/errors';
import { RoomSizeField } from '../lobby/RoomSizeField';
import { useCallStore } from './callStore';
import { moderationApi } from './moderationApi';

/**
 * A moderator's "Max people" for the room, up to the server's limit. Lowering it under the
 * people present removes nobody; it only turns new joiners away until the room is under it.
 */
export function RoomSizeSetting({ room }: { room: RoomDto }) {
  const [value, setValue] = useState(String(room.maxParticipants));
  const [errors, setErrors] = useState<string[] | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors(undefined);
    try {
      const updated = await moderationApi.updateRoom(room.id, { maxParticipants: Number(value) });
      useCallStore.setState({ room: { ...updated, participantCount: useCallStore.getState().participants.length } });
    } catch (err) {
      setErrors(err instanceof AppError && err.fields?.maxParticipants ? err.fields.maxParticipants : [describeError(err)]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="host-controls__row" onSubmit={onSubmit} noValidate aria-label="Room size">
      <RoomSizeField value={value} onChange={setValue} errors={errors} />
      <button
        type="submit"
        className="btn btn--small"
        disabled={busy || Number(value) === room.maxParticipants}
      >
        Save
      </button>
    </form>
  );
}
