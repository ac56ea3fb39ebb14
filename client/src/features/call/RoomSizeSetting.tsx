import type { RoomDto } from '@minimeet/shared';
import { useState, type FormEvent } from 'react';
import { AppError, describeError } from '../../lib/errors';
import { ROOM_MIN_PARTICIPANTS } from '../../lib/limits';
import { Field } from '../../ui/Field';
import { useRoomLimits } from '../lobby/useRoomLimits';
import { useCallStore } from './callStore';
import { moderationApi } from './moderationApi';

/**
 * A moderator's "Max people" for the room, up to the server's limit. Lowering it under the
 * people present removes nobody; it only turns new joiners away until the room is under it.
 */
export function RoomSizeSetting({ room }: { room: RoomDto }) {
  const limits = useRoomLimits();
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
      <Field
        label="Max people"
        name="maxParticipants"
        type="number"
        inputMode="numeric"
        min={limits?.minParticipants ?? ROOM_MIN_PARTICIPANTS}
        max={limits?.maxParticipants}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        errors={errors}
        hint={limits ? `Up to ${limits.maxParticipants}` : undefined}
        className="field--narrow"
      />
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
