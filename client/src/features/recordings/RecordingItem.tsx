import type { RecordingDto, RecordingTrackDto } from '@minimeet/shared';
import { useState } from 'react';
import { describeError } from '../../lib/errors';
import { formatBytes, formatClock, formatTime } from '../../lib/format';
import { useNow } from '../../lib/useNow';
import { fetchRecordingFile, recordingsApi, saveFile, type RecordingFilePick } from './recordingsApi';
import { RecordingPlayer } from './RecordingPlayer';

/**
 * Playing in the page holds the whole file in memory (the download needs the token, which a
 * <video src> cannot send): past this size, download it instead.
 */
export const PLAY_IN_PAGE_MAX_BYTES = 512 * 1024 * 1024;

const STATE_LABEL: Record<RecordingDto['state'], string> = {
  recording: 'Recording',
  processing: 'Processing…',
  ready: 'Ready',
  failed: 'Failed',
};

const KIND_LABEL: Record<RecordingTrackDto['kind'], string> = { audio: 'microphone', video: 'camera', screen: 'screen' };

/** How long it is: the finished length, or the time so far while it records. */
function Duration({ recording }: { recording: RecordingDto }) {
  const now = useNow(1000);
  const ms = recording.state === 'recording' ? now - Date.parse(recording.startedAt) : recording.durationMs;
  return <>{formatClock(ms)}</>;
}

/** Downloads one file (composite or a track's segment), showing progress in the button. */
function DownloadButton({
  recordingId,
  pick = {},
  text = 'Download',
  label,
  onError,
}: {
  recordingId: number;
  pick?: RecordingFilePick;
  text?: string;
  label: string;
  onError: (message: string) => void;
}) {
  const [progress, setProgress] = useState<number | null>(null);
  const download = async () => {
    setProgress(0);
    try {
      saveFile(await fetchRecordingFile(recordingId, { ...pick, onProgress: setProgress }));
    } catch (err) {
      onError(`Download failed: ${describeError(err)}`);
    } finally {
      setProgress(null);
    }
  };
  return (
    <button type="button" className="btn btn--small" aria-label={label} disabled={progress !== null} onClick={() => void download()}>
      {progress === null ? text : `Downloading ${Math.round(progress * 100)} %`}
    </button>
  );
}

function Tracks({ recording, onError }: { recording: RecordingDto; onError: (message: string) => void }) {
  if (recording.tracks.length === 0) return null;
  return (
    <details className="recording__tracks">
      <summary>Files per track ({recording.tracks.length})</summary>
      <ul aria-label="Tracks">
        {recording.tracks.map((t) => {
          const name = `${t.username}'s ${KIND_LABEL[t.kind]}`;
          return (
            <li key={t.id} className="recording__track">
              <span>{name}</span>
              <span className="recording__meta">
                from {formatClock(t.startOffsetMs)}, {formatClock(t.durationMs)}
                {t.segments > 1 ? `, ${t.segments} segments` : ''}, {formatBytes(t.sizeBytes)}
              </span>
              {t.segments > 1 ? (
                // A pause or a restart split the track: one file per segment.
                Array.from({ length: t.segments }, (_, segment) => (
                  <DownloadButton
                    key={segment}
                    recordingId={recording.id}
                    pick={{ trackId: t.id, segment }}
                    text={`Part ${segment + 1}`}
                    label={`Download ${name}, part ${segment + 1} of ${t.segments}`}
                    onError={onError}
                  />
                ))
              ) : (
                <DownloadButton recordingId={recording.id} pick={{ trackId: t.id }} label={`Download ${name}`} onError={onError} />
              )}
            </li>
          );
        })}
      </ul>
    </details>
  );
}

/** One recording of the room: its state and facts, and what you may do with it. */
export function RecordingItem({ recording, canDelete, onDeleted }: { recording: RecordingDto; canDelete: boolean; onDeleted: (id: number) => void }) {
  const [playing, setPlaying] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const title = `Recording of ${formatTime(recording.startedAt)}`;
  const ready = recording.state === 'ready';

  const remove = async () => {
    setDeleting(true);
    setError(null);
    try {
      await recordingsApi.remove(recording.id);
      onDeleted(recording.id);
    } catch (err) {
      setError(`Could not delete: ${describeError(err)}`);
      setDeleting(false);
      setConfirmDelete(false);
    }
  };

  return (
    <li className="recording" data-recording-id={recording.id} data-state={recording.state} aria-label={title}>
      <div className="recording__head">
        <span className={`badge recording__state recording__state--${recording.state}`}>{STATE_LABEL[recording.state]}</span>
        <span className="recording__when">{formatTime(recording.startedAt)}</span>
        <span className="recording__meta">
          <span className="visually-hidden">Duration: </span>
          <Duration recording={recording} />
          {ready && <> · {formatBytes(recording.sizeBytes)}</>} · started by {recording.startedBy.username}
        </span>
      </div>
      {recording.state === 'failed' && (
        <p className="recording__error">{recording.error ?? 'The recording could not be processed.'}</p>
      )}
      {recording.state === 'processing' && <p className="recording__hint">Making the file: it can be played and downloaded in a moment.</p>}
      <div className="recording__actions">
        {ready && (
          <>
            {recording.sizeBytes <= PLAY_IN_PAGE_MAX_BYTES ? (
              <button type="button" className="btn btn--primary btn--small" aria-expanded={playing} onClick={() => setPlaying(!playing)}>
                {playing ? 'Close player' : 'Play'}
              </button>
            ) : (
              <span className="recording__hint">Too large to play in the page: download it.</span>
            )}
            <DownloadButton recordingId={recording.id} label={`Download ${title}`} onError={setError} />
          </>
        )}
        {/* Still recording or processing: the server refuses (CONFLICT) until it is done. */}
        {canDelete && (ready || recording.state === 'failed') && (confirmDelete ? (
          <span role="group" aria-label="Confirm deleting the recording">
            <span>Delete it for everyone?</span>
            <button type="button" className="btn btn--danger btn--small" disabled={deleting} onClick={() => void remove()}>
              Yes, delete
            </button>
            <button type="button" className="btn btn--ghost btn--small" disabled={deleting} onClick={() => setConfirmDelete(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className="btn btn--ghost btn--small" aria-label={`Delete ${title}`} onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        ))}
      </div>
      {error && <p className="recording__error" role="alert">{error}</p>}
      {ready && playing && <RecordingPlayer recordingId={recording.id} label={title} />}
      {/* A failed composite still leaves the per-track files. */}
      {(ready || recording.state === 'failed') && <Tracks recording={recording} onError={setError} />}
    </li>
  );
}
