import type { ApiErrorBody, AttachmentDto } from '@minimeet/shared';
import { AppError } from '../../../lib/errors';
import { currentToken, renewAfterUnauthorized } from '../../../lib/http';

export interface UploadHandle {
  done: Promise<AttachmentDto>;
  abort(): void;
}

/**
 * POST /api/rooms/:id/attachments with XHR, the one browser API that reports upload progress
 * (fetch does not). `onProgress` gets 0..1.
 */
export function uploadAttachment(roomId: number, file: File, onProgress: (fraction: number) => void): UploadHandle {
  let current: XMLHttpRequest | null = null;
  let aborted = false;
  async function attempt(retried: boolean): Promise<AttachmentDto> {
    const token = currentToken();
    const { status, body } = await send(roomId, file, token, onProgress, (xhr) => {
      current = xhr;
      if (aborted) xhr.abort();
    });
    if (status === 201) return body as AttachmentDto;
    // An expired access token: renew once and upload again (XHR gets no help from `api`).
    if (status === 401 && !retried && (await renewAfterUnauthorized(token))) return attempt(true);
    const error = (body as Partial<ApiErrorBody> | null)?.error;
    throw error ? AppError.fromWire(error, status) : new AppError('INTERNAL', `Upload failed (${status})`);
  }
  return {
    done: attempt(false),
    abort: () => {
      aborted = true;
      current?.abort();
    },
  };
}

function send(
  roomId: number,
  file: File,
  token: string | null,
  onProgress: (fraction: number) => void,
  started: (xhr: XMLHttpRequest) => void,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/rooms/${roomId}/attachments`);
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.response as unknown });
    xhr.onerror = () => reject(new AppError('NETWORK', 'Cannot reach the server.'));
    xhr.onabort = () => reject(new AppError('NETWORK', 'Upload cancelled.'));
    const form = new FormData();
    form.append('file', file, file.name);
    started(xhr);
    xhr.send(form);
  });
}

/**
 * The attachment (or its thumbnail) as a blob: URL, fetched with the user's token (an <img> or
 * <a href> cannot send it). The caller revokes the URL when done.
 */
export async function fetchAttachmentUrl(id: string, thumbnail: boolean, retried = false): Promise<string> {
  const token = currentToken();
  const res = await fetch(`/api/attachments/${encodeURIComponent(id)}${thumbnail ? '/thumbnail' : ''}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (res.status === 401 && !retried && (await renewAfterUnauthorized(token))) return fetchAttachmentUrl(id, thumbnail, true);
  if (!res.ok) throw new AppError(res.status === 404 ? 'NOT_FOUND' : 'INTERNAL', `Could not load the file (${res.status})`);
  return URL.createObjectURL(await res.blob());
}
