import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { GUEST_NAME_MAX } from '@minimeet/shared';
import { describeError } from '../../lib/errors';
import { Alert } from '../../ui/Alert';
import { Field } from '../../ui/Field';
import { useAuthStore } from './authStore';
import { RequireAuth } from './RequireAuth';
import { AuthPage } from './AuthPage';

/**
 * `/rooms/:id` (or its invite link) opened without a session: sign in, or join as a guest with
 * a display name. Whether the room allows guests is the server's answer (no room details are
 * shown to someone signed out: a private room stays indistinguishable from a missing one).
 */
export function GuestJoinPage({ roomId }: { roomId: number }) {
  const location = useLocation();
  const [params] = useSearchParams();
  const invite = params.get('invite') ?? undefined;
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const from = { from: location.pathname + location.search };

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const displayName = name.trim();
    if (!displayName) return setError('Enter the name others will see.');
    setBusy(true);
    setError(null);
    try {
      // The session appears in the store and the call page replaces this one.
      await useAuthStore.getState().joinAsGuest(roomId, displayName, invite);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <AuthPage>
      <form className="card auth-card" onSubmit={onSubmit} noValidate aria-labelledby="guest-title">
        <h1 id="guest-title">Join the call</h1>
        {error && <Alert>{error}</Alert>}
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
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? 'Please wait…' : 'Join as guest'}
        </button>
        <p className="auth-card__switch">
          Have an account? <Link to="/login" state={from}>Sign in</Link>
        </p>
      </form>
    </AuthPage>
  );
}

/**
 * The call route: a session goes on to the call; without one, sign in or join as a guest. A
 * session that just ended (a notice says why: signed out everywhere, revoked, expired) goes to
 * sign-in with that notice, not to the guest form: that user has an account.
 */
export function RequireAuthOrGuest({ children }: { children: ReactNode }) {
  const session = useAuthStore((s) => s.session);
  const endedWithNotice = useAuthStore((s) => s.notice !== null);
  const { id } = useParams();
  const roomId = Number(id);
  if (!session && !endedWithNotice && Number.isSafeInteger(roomId) && roomId > 0) return <GuestJoinPage roomId={roomId} />;
  return <RequireAuth>{children}</RequireAuth>;
}
