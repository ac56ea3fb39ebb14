import { ROOM_MIN_PARTICIPANTS } from '../../lib/limits';
import { Field } from '../../ui/Field';
import { useRoomLimits } from './useRoomLimits';

/** "Max people" for a room, bounded by the server's limit (GET /api/rooms/limits). */
export function RoomSizeField({
  value,
  onChange,
  errors,
}: {
  value: string;
  onChange: (value: string) => void;
  errors?: string[];
}) {
  const limits = useRoomLimits();
  return (
    <Field
      label="Max people"
      name="maxParticipants"
      type="number"
      inputMode="numeric"
      min={limits?.minParticipants ?? ROOM_MIN_PARTICIPANTS}
      max={limits?.maxParticipants}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      errors={errors}
      hint={limits ? `Up to ${limits.maxParticipants}` : undefined}
      className="field--narrow"
    />
  );
}
