import type { AttachmentDto } from '@minimeet/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../../../lib/errors';
import { uploadAttachment, type UploadHandle } from './attachmentApi';

/** A file chosen for the next message: uploading (progress 0..1), uploaded, or refused. */
export interface PendingUpload {
  key: string;
  roomId: number;
  name: string;
  size: number;
  progress: number;
  attachment?: AttachmentDto;
  error?: string;
}

let nextKey = 0;

/** Files attached to the draft: uploaded at once (with progress), sent with the next message. */
export function usePendingUploads(roomId: number | null) {
  const [all, setUploads] = useState<PendingUpload[]>([]);
  // Files attached in another room (the panel moved on) are not this draft's.
  const uploads = all.filter((u) => u.roomId === roomId);
  const handles = useRef(new Map<string, UploadHandle>());

  const update = (key: string, change: Partial<PendingUpload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const add = useCallback(
    (files: Iterable<File>) => {
      if (roomId === null) return;
      for (const file of files) {
        const key = `u${nextKey++}`;
        setUploads((list) => [...list, { key, roomId, name: file.name, size: file.size, progress: 0 }]);
        const handle = uploadAttachment(roomId, file, (progress) => update(key, { progress }));
        handles.current.set(key, handle);
        handle.done.then(
          (attachment) => update(key, { attachment, progress: 1 }),
          (err: unknown) => update(key, { error: describeError(err) }),
        ).finally(() => handles.current.delete(key));
      }
    },
    [roomId],
  );

  const remove = useCallback((key: string) => {
    handles.current.get(key)?.abort();
    setUploads((list) => list.filter((u) => u.key !== key));
  }, []);

  const clear = useCallback(() => setUploads([]), []);

  // Leaving the room (or the panel) aborts what is still uploading.
  useEffect(() => {
    const current = handles.current;
    return () => {
      for (const h of current.values()) h.abort();
      current.clear();
    };
  }, [roomId]);

  const ready = uploads.flatMap((u) => (u.attachment ? [u.attachment] : []));
  const busy = uploads.some((u) => !u.attachment && !u.error);
  return { uploads, ready, busy, add, remove, clear };
}
