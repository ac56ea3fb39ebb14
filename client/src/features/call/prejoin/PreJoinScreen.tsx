import { GUEST_NAME_MAX } from '@minimeet/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { describeError } from '../../../lib/errors';
import { Alert } from '../../../ui/Alert';
import { Field } from '../../../ui/Field';
import { Spinner } from '../../../ui/Spinner';
import { useAuthStore } from '../../auth/authStore';
import { joinError } from '../callErrors';
import { CallProblem } from '../CallPage';
import type { PreparedMedia } from '../localMediaSlice';
import { DevicePreview } from './DevicePreview';
import { joinsAsAttendee, waitsInLobby } from './joinRole';
import { createPreviewMedia } from './previewMedia';
import { useRoomPreview } from './roomPreview';
import { RoomPreviewSummary } from './RoomPreviewSummary';

/**
 * Before entering a call: your camera and mic (DevicePreview), who is in the room and whether it
 * is recorded, and for someone without a session the name they join under as a guest; one Join
 * hands the chosen mic/camera to the call. Being here admits nobody and publishes nothing.
 */
export function PreJoinScreen({
  roomId,
  inviteToken,
  onJoin,
}: {
  roomId: number;
  inviteToken: string | null;
  onJoin: (prepared: PreparedMedia) => void;
}) {
  const location = useLocation();
  const user = useAuthStore((s) => s.session?.user ?? null);
  // Fixed for this screen: the guest session created by Join must not turn it into another form.
  const [asGuest] = useState(() => user === null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [media] = useState(() => createPreviewMedia());
  const preview = useRoomPreview(roomId, inviteToken, !asGuest);

  const known = preview.status === 'ready' ? preview.preview : null;
  const attendee = known !== null && user !== null && joinsAsAttendee(known.room, user);
  const waits = known !== null && waitsInLobby(known.room, user, asGuest);
  const settled = preview.status !== 'loading';
  const missing = preview.status === 'missing';
  const capture = settled && !missing && !attendee;

  useEffect(() => {
    if (!capture) return;
    void media.getState().start();
    return () => media.getState().release();
  }, [media, capture]);

  if (preview.status === 'missing') {
    return <CallProblem title="Room not found" message={joinError(preview.error, inviteToken !== null).message} />;
  }

  async function join(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setError(null);
    if (asGuest) {
      const displayName = name.trim();
      if (!displayName) return setError('Enter the name others will see.');
      setBusy(true);
      try {
        // The guest session appears in the store; the call takes over below.
        await useAuthStore.getState().joinAsGuest(roomId, displayName, inviteToken ?? undefined);
      } catch (err) {
        setError(describeError(err));
        setBusy(false);
        return;
      }
    }
    onJoin(await media.getState().handOver());
  }

  const title = asGuest ? 'Join the call' : (known?.room.name ?? 'Ready to join?');
  const scoped = user?.roomScope !== undefined;
  return (
    <main className="page prejoin">
      <div className="prejoin__layout">
        {capture || !settled ? (
          <DevicePreview media={media} name={asGuest ? name : (user?.username ?? '')} />
        ) : (
          <section className="prejoin-preview prejoin-preview--watch" aria-label="Your camera and microphone">
            <p>You watch and listen; your camera and microphone stay off.</p>
          </section>
        )}
        <form className="card prejoin__panel" onSubmit={join} noValidate aria-labelledby="prejoin-title">
          <h1 id="prejoin-title">{title}</h1>
          {!asGuest && known && <p className="prejoin__subtitle">Ready to join?</p>}
          {preview.status === 'loading' && <Spinner label="Loading the room" />}
          {known && <RoomPreviewSummary preview={known} attendee={attendee} waits={waits} />}
          {preview.status === 'unavailable' && (
            <Alert kind="warning">{`Could not load who is in the room: ${describeError(preview.error)}`}</Alert>
          )}
          {asGuest && (
            <Field
              label="Your name"
              name="displayName"
              autoComplete="name"
              maxLength={GUEST_NAME_MAX}
              value={name}
              onChange={(e) => setName(e.target.value)}
              hint="Shown to others with “(guest)”"
              required
              autoFocus
            />
          )}
          {error && <Alert>{error}</Alert>}
          <button type="submit" className="btn btn--primary btn--block" disabled={busy || preview.status === 'loading'}>
            {busy ? 'Please wait…' : asGuest ? 'Join as guest' : 'Join now'}
          </button>
          {asGuest ? (
            <p className="auth-card__switch">
              Have an account?{' '}
              <Link to="/login" state={{ from: location.pathname + location.search }}>
                Sign in
              </Link>
            </p>
          ) : (
            !scoped && (
              <Link className="btn btn--ghost btn--block" to="/">
                Back to lobby
              </Link>
            )
          )}
        </form>
      </div>
    </main>
  );
}
