import type { ApiErrorBody, AttachmentDto } from '@minimeet/shared';
import { AppError } from '../../../lib/errors';
import { currentToken } from '../../../lib/http';

export interface UploadHandle {
  done: Promise<AttachmentDto>;
  abort(): void;
}

/**
 * POST /api/rooms/:id/attachments with XHR, the one browser API that reports upload progress
 * (fetch does not). `onProgress` gets 0..1.
 */
export function uploadAttachment(roomId: number, file: File, onProgress: (fraction: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<AttachmentDto>((resolve, reject) => {
    xhr.open('POST', `/api/rooms/${roomId}/attachments`);
    const token = currentToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const body = xhr.response as unknown;
      if (xhr.status === 201) return resolve(body as AttachmentDto);
      const error = (body as Partial<ApiErrorBody> | null)?.error;
      reject(error ? AppError.fromWire(error, xhr.status) : new AppError('INTERNAL', `Upload failed (${xhr.status})`));
    };
    xhr.onerror = () => reject(new AppError('NETWORK', 'Cannot reach the server.'));
    xhr.onabort = () => reject(new AppError('NETWORK', 'Upload cancelled.'));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

/**
 * The attachment (or its thumbnail) as a blob: URL, fetched with the user's token (an <img> or
 * <a href> cannot send it). The caller revokes the URL when done.
 */
export async function fetchAttachmentUrl(id: string, thumbnail: boolean): Promise<string> {
  const token = currentToken();
  const res = await fetch(`/api/attachments/${encodeURIComponent(id)}${thumbnail ? '/thumbnail' : ''}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) throw new AppError(res.status === 404 ? 'NOT_FOUND' : 'INTERNAL', `Could not load the file (${res.status})`);
  return URL.createObjectURL(await res.blob());
}
