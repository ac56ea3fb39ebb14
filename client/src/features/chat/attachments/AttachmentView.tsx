import type { AttachmentDto } from '@minimeet/shared';
import { useEffect, useState } from 'react';
import { formatBytes } from '../../../lib/format';
import { fetchAttachmentUrl } from './attachmentApi';

/** An image's thumbnail, loaded with the user's token; opens the full image in a new tab. */
function ImageAttachment({ attachment }: { attachment: AttachmentDto }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let url: string | null = null;
    let live = true;
    fetchAttachmentUrl(attachment.id, attachment.hasThumbnail).then(
      (u) => {
        if (live) setSrc((url = u));
        else URL.revokeObjectURL(u);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [attachment.id, attachment.hasThumbnail]);
  if (failed) return <FileCard attachment={attachment} />;
  return (
    <button type="button" className="attachment attachment--image" onClick={() => void openFull(attachment)} title={attachment.name}>
      {src ? <img src={src} alt={attachment.name} data-attachment-id={attachment.id} /> : <span className="attachment__placeholder">{attachment.name}</span>}
    </button>
  );
}

async function openFull(attachment: AttachmentDto) {
  const url = await fetchAttachmentUrl(attachment.id, false);
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Saves the file under its name (fetched with the token, then handed to the browser as a download). */
async function saveFile(attachment: AttachmentDto) {
  const url = await fetchAttachmentUrl(attachment.id, false);
  const a = document.createElement('a');
  a.href = url;
  a.download = attachment.name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function FileCard({ attachment }: { attachment: AttachmentDto }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="attachment attachment--file" data-attachment-id={attachment.id}>
      <span className="attachment__name" title={attachment.name}>
        {attachment.name}
      </span>
      <span className="attachment__size">{formatBytes(attachment.size)}</span>
      <button
        type="button"
        className="link-btn"
        aria-label={`Download ${attachment.name}`}
        onClick={() => {
          setError(null);
          saveFile(attachment).catch((err: unknown) => setError(err instanceof Error ? err.message : 'Download failed'));
        }}
      >
        Download
      </button>
      {error && <span className="attachment__error">{error}</span>}
    </div>
  );
}

/** A message's attachment: images inline (thumbnail), everything else a download card. */
export function AttachmentView({ attachment }: { attachment: AttachmentDto }) {
  return attachment.kind === 'image' ? <ImageAttachment attachment={attachment} /> : <FileCard attachment={attachment} />;
}
