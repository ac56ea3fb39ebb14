import { useEffect, useRef, useState } from 'react';
import { describeError } from '../../lib/errors';
import { captureCamera, stopTrack } from './capture';
import { useCallStore } from './callStore';
import { useMediaTrack } from './useMediaTrack';

/** Your camera while you wait (captured here, stopped when the view goes). */
function CameraPreview() {
  const cameraDeviceId = useCallStore((s) => s.local.cameraDeviceId);
  const [track, setTrack] = useState<MediaStreamTrack | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    let captured: MediaStreamTrack | null = null;
    captureCamera(cameraDeviceId ?? undefined)
      .then((t) => {
        if (cancelled) stopTrack(t);
        else setTrack((captured = t));
      })
      .catch((err: unknown) => !cancelled && setError(describeError(err)));
    return () => {
      cancelled = true;
      stopTrack(captured);
    };
  }, [cameraDeviceId]);

  if (track) return <PreviewVideo track={track} />;
  return (
    <div className="lobby-wait__preview lobby-wait__preview--off" role="img" aria-label="Camera preview unavailable">
      {error ?? 'Starting your camera…'}
    </div>
  );
}

function PreviewVideo({ track }: { track: MediaStreamTrack }) {
  const ref = useRef<HTMLVideoElement>(null);
  useMediaTrack(ref, track);
  return <video ref={ref} className="lobby-wait__preview" aria-label="Your camera preview" autoPlay playsInline muted />;
}

/**
 * Held in the room's lobby (joinRoom answered WAITING_IN_LOBBY): your camera preview and a way
 * out. The call store joins by itself once a moderator lets you in (lobbyAdmitted).
 */
export function LobbyWaiting({ onLeave }: { onLeave: () => void }) {
  // After the pre-join screen its camera stays live for the call: show it (or that it is off).
  const lobbyPreview = useCallStore((s) => s.lobbyPreview);
  return (
    <main className="page page--center">
      <div className="card lobby-wait" role="status" aria-live="polite">
        <h1>Waiting for the host to let you in</h1>
        <p>The host knows you are here. You will join the call as soon as they let you in.</p>
        {lobbyPreview === null ? (
          <CameraPreview />
        ) : lobbyPreview.cameraTrack ? (
          <PreviewVideo track={lobbyPreview.cameraTrack} />
        ) : (
          <div className="lobby-wait__preview lobby-wait__preview--off" role="img" aria-label="Camera off">
            Your camera is off
          </div>
        )}
        <button type="button" className="btn btn--ghost" onClick={onLeave}>
          Leave
        </button>
      </div>
    </main>
  );
}
