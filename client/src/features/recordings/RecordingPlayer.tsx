import { useEffect, useState } from 'react';
import { describeError } from '../../lib/errors';
import { Spinner } from '../../ui/Spinner';
import { fetchRecordingFile } from './recordingsApi';

/**
 * Plays a ready recording's composite in the page. The file needs the user's token, which a
 * <video src> cannot send: it is fetched (with progress) and played from a blob: URL, revoked
 * when the player closes.
 */
export function RecordingPlayer({ recordingId, label }: { recordingId: number; label: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [progress, setProgress] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    let url: string | null = null;
    fetchRecordingFile(recordingId, { signal: controller.signal, onProgress: setProgress }).then(
      (file) => {
        url = file.url;
        if (controller.signal.aborted) URL.revokeObjectURL(file.url);
        else setSrc(file.url);
      },
      (err: unknown) => !controller.signal.aborted && setError(describeError(err)),
    );
    return () => {
      controller.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [recordingId]);

  if (error) return <p className="recording__error" role="alert">Cannot play this recording: {error}</p>;
  if (!src) {
    return (
      <div className="recording__loading">
        <Spinner label="Loading the recording" />
        <span>Loading… {progress > 0 ? `${Math.round(progress * 100)} %` : ''}</span>
      </div>
    );
  }
  return <video className="recording__video" src={src} controls autoPlay aria-label={label} />;
}
