import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import type { EmbedConfigDto, EmbedError } from '@minimeet/shared';
import { api } from '../../lib/http';
import { describeError } from '../../lib/errors';
import { Spinner } from '../../ui/Spinner';
import { useAuthStore } from '../auth/authStore';
import { parseRoomId } from '../call/CallPage';
import { useCallStore } from '../call/callStore';
import { CallView } from '../call/CallView';
import { EmbedBridge, parentOriginOf } from './embedBridge';
import { runEmbedCommand, watchCallForEmbed } from './embedCall';
import { hasEmbedSession, signInForEmbed } from './embedAuth';

/** What the page read from its address once (the token leaves the address bar at once). */
interface EmbedParams {
  token: string | null;
  micOff: boolean;
  cameraOff: boolean;
}

function readParams(search: string): EmbedParams {
  const params = new URLSearchParams(search);
  return { token: params.get('token'), micOff: params.get('mic') === 'off', cameraOff: params.get('camera') === 'off' };
}

/** The address without the token (mic/camera choices stay, so a reload starts the same way). */
function withoutToken(search: string): string {
  const params = new URLSearchParams(search);
  params.delete('token');
  const rest = params.toString();
  return rest ? `?${rest}` : '';
}

/** Leaving shows "You left the call" in the frame (no lobby to go back to). */
const leaveCall = () => useCallStore.getState().leave();

function EmbedMessage({ title, message, action }: { title: string; message: string; action?: { label: string; run: () => void } }) {
  return (
    <main className="page page--center embed-message">
      <div className="card error-page" role="alert">
        <h1>{title}</h1>
        <p>{message}</p>
        {action && (
          <button type="button" className="btn btn--primary" onClick={action.run}>
            {action.label}
          </button>
        )}
      </div>
    </main>
  );
}

/**
 * `/embed/rooms/:id?token=…[&mic=off][&camera=off]`: the call without the app's chrome, for an
 * iframe in another site (EMBED_ALLOWED_ORIGINS), joined at once, commanded by the parent over
 * postMessage (embedBridge.ts). The token (an access token or an app's join token) becomes the
 * session and leaves the address bar.
 */
export function EmbedCallPage() {
  const { id } = useParams();
  const roomId = parseRoomId(id);
  const location = useLocation();
  const navigate = useNavigate();
  const [params] = useState(() => readParams(location.search));
  const user = useAuthStore((s) => s.session?.user ?? null);
  const status = useCallStore((s) => s.status);
  const callError = useCallStore((s) => s.error);
  const [signInError, setSignInError] = useState<string | null>(null);
  // Without a token: only a session this frame made with one before (a reload).
  const [signedIn, setSignedIn] = useState(() => params.token === null && hasEmbedSession());
  const [bridgeReady, setBridgeReady] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const bridge = useRef<EmbedBridge | null>(null);
  /** A sign-in failure seen before the bridge was up: told once it is. */
  const untold = useRef<EmbedError | null>(null);

  // The token is read once, then dropped from the address (history, screenshots, referrers).
  useEffect(() => {
    if (params.token !== null) navigate({ pathname: location.pathname, search: withoutToken(location.search) }, { replace: true });
    // Once, with the address the page opened with.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const tellParent = (error: EmbedError) => {
    if (bridge.current) bridge.current.emit('error', error);
    else untold.current = error;
  };

  useEffect(() => {
    if (roomId === null) return;
    if (params.token === null) {
      if (!signedIn) tellParent({ code: 'EMBED_TOKEN', message: 'The embed address has no token.' });
      return;
    }
    let cancelled = false;
    signInForEmbed(params.token, roomId).then(
      () => !cancelled && setSignedIn(true),
      (err: unknown) => {
        if (cancelled) return;
        const message = describeError(err);
        setSignInError(message);
        tellParent({ code: 'EMBED_TOKEN', message });
      },
    );
    return () => {
      cancelled = true;
    };
    // Once per token and room; `signedIn` only matters without a token, at the start.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params.token, roomId]);

  // The bridge to the parent: which origins may command us comes from the server (the same list
  // as the page's frame-ancestors). Not framed, or no list: the call works without the API.
  useEffect(() => {
    if (roomId === null) return;
    let stopped = false;
    let stopWatch: (() => void) | null = null;
    const framed = window.parent !== window;
    const setUp = async () => {
      const config = framed ? await api<EmbedConfigDto>('/embed/config', { auth: false }).catch(() => null) : null;
      if (stopped) return;
      if (config && config.allowedOrigins.length > 0) {
        const b = new EmbedBridge({
          self: window,
          parent: window.parent,
          allowedOrigins: config.allowedOrigins,
          parentOrigin: parentOriginOf(config.allowedOrigins, window.location.ancestorOrigins, document.referrer),
          run: (command) => runEmbedCommand(useCallStore, roomId, command, leaveCall),
        });
        b.start();
        bridge.current = b;
        stopWatch = watchCallForEmbed(useCallStore, roomId, (event, data) => b.emit(event, data));
        b.emit('ready', { roomId });
        if (untold.current) b.emit('error', untold.current);
        untold.current = null;
      }
      setBridgeReady(true);
    };
    void setUp();
    return () => {
      stopped = true;
      stopWatch?.();
      bridge.current?.stop();
      bridge.current = null;
    };
  }, [roomId]);

  const userId = user?.id;
  const canJoin = roomId !== null && signedIn && bridgeReady && user !== null;
  useEffect(() => {
    if (!canJoin || !user || roomId === null) return;
    void useCallStore.getState().join(roomId, user, { micOff: params.micOff, cameraOff: params.cameraOff });
    return () => {
      void useCallStore.getState().leave();
    };
    // The user object identity changes on re-login only; the id is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [canJoin, roomId, userId, attempt]);

  if (roomId === null) return <EmbedMessage title="Room not found" message="This address does not point to a room." />;
  if (signInError) return <EmbedMessage title="Cannot join this call" message={`The embed token does not work: ${signInError}`} />;
  if ((params.token === null && !signedIn) || (signedIn && !user)) {
    return <EmbedMessage title="Cannot join this call" message="This embedded call needs a token from the site it is part of." />;
  }
  const rejoin = { label: 'Rejoin the call', run: () => setAttempt((n) => n + 1) };
  if (status === 'left') return <EmbedMessage title="You left the call" message="You can rejoin while the page is open." action={rejoin} />;
  if (status === 'error' || status === 'ended') {
    return (
      <EmbedMessage
        title={status === 'ended' ? 'The call has ended' : 'Cannot join this call'}
        message={callError?.message ?? 'Unknown error.'}
        action={rejoin}
      />
    );
  }
  if (!canJoin) {
    return (
      <main className="page page--center">
        <Spinner label="Joining the call" />
      </main>
    );
  }
  return <CallView onLeave={() => void leaveCall()} />;
}
