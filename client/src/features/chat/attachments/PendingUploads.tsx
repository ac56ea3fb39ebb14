import { formatBytes } from '../../../lib/format';
import type { PendingUpload } from './usePendingUploads';

/** The files attached to the draft, with upload progress, before the message is sent. */
export function PendingUploads({ uploads, onRemove }: { uploads: PendingUpload[]; onRemove: (key: string) => void }) {
  if (!uploads.length) return null;
  return (
    <ul className="chat__pending" aria-label="Attached files">
      {uploads.map((u) => (
        <li key={u.key} className={`pending-upload${u.error ? ' pending-upload--failed' : ''}`}>
          <span className="attachment__name" title={u.name}>
            {u.name}
          </span>
          <span className="attachment__size">{formatBytes(u.size)}</span>
          {u.error ? (
            <span className="attachment__error" role="alert">
              {u.error}
            </span>
          ) : u.attachment ? (
            <span className="pending-upload__done">Ready</span>
          ) : (
            <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`} />
          )}
          <button type="button" className="btn btn--ghost btn--small" onClick={() => onRemove(u.key)} aria-label={`Remove ${u.name}`}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
