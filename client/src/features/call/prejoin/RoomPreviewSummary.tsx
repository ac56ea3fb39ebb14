import type { RoomPreviewDto } from '@minimeet/shared';
import { Avatar } from '../../../ui/Avatar';

function countLine(count: number): string {
  if (count === 0) return 'No one is in the call yet';
  return count === 1 ? '1 person is in the call' : `${count} people are in the call`;
}

/** Who is already in the room, and what joining it means (recorded, locked, joining muted). */
export function RoomPreviewSummary({
  preview,
  attendee,
  waits = false,
}: {
  preview: RoomPreviewDto;
  attendee: boolean;
  /** Joining waits in the room's lobby until a host lets you in. */
  waits?: boolean;
}) {
  const { room, participants, participantCount } = preview;
  const more = participantCount - participants.length;
  return (
    <div className="prejoin__room">
      {room.recording && (
        <p className="prejoin__recording" role="status">
          <span className="prejoin__rec-dot" aria-hidden="true" />
          This call is being recorded
        </p>
      )}
      <section aria-label="In the call" className="prejoin__people">
        <p className="prejoin__count">{countLine(participantCount)}</p>
        {participants.length > 0 && (
          <ul className="prejoin__list">
            {participants.map((p) => (
              <li key={p.userId}>
                <Avatar name={p.username} size={24} />
                <span className="prejoin__name">
                  {p.username}
                  {p.guest ? ' (guest)' : ''}
                  {p.role === 'host' ? ' · host' : ''}
                </span>
              </li>
            ))}
            {more > 0 && <li className="prejoin__more">and {more} more</li>}
          </ul>
        )}
      </section>
      {waits && <p className="prejoin__note">This room has a lobby: a host lets you in after you join.</p>}
      {room.locked && <p className="prejoin__note">This room is locked: only its hosts can join now.</p>}
      {room.joinMuted && !attendee && <p className="prejoin__note">The host has everyone join with the microphone off.</p>}
      {attendee && (
        <p className="prejoin__note">
          This is a webinar: you join the audience and watch. A host can bring you on stage to speak.
        </p>
      )}
    </div>
  );
}
