import type { ApiErrorBody, RecordingDto } from '@minimeet/shared';
import { AppError } from '../../lib/errors';
import { api, currentToken, renewAfterUnauthorized } from '../../lib/http';

/** A recording's file fetched with the user's token, as a blob: URL the caller revokes. */
export interface RecordingFile {
  url: string;
  /** From Content-Disposition, else made up from the recording id. */
  filename: string;
}

export const recordingsApi = {
  /** Newest first. Moderators; members too when the room's recordingAccess is 'members'. */
  list: (roomId: number, signal?: AbortSignal) => api<RecordingDto[]>(`/rooms/${roomId}/recordings`, { signal }),
  remove: (id: number) => api<void>(`/recordings/${id}`, { method: 'DELETE' }),
};

/** Which file of a recording: the composite (nothing), or one segment of one track (0-based). */
export interface RecordingFilePick {
  trackId?: string;
  segment?: number;
}

export function downloadPath(recordingId: number, pick: RecordingFilePick = {}): string {
  const params = new URLSearchParams();
  if (pick.trackId) params.set('track', pick.trackId);
  if (pick.trackId && pick.segment) params.set('segment', String(pick.segment));
  const query = params.toString();
  return `/api/recordings/${recordingId}/download${query ? `?${query}` : ''}`;
}

/** `attachment; filename="x.webm"; filename*=UTF-8''x.webm` → "x.webm". */
export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // Malformed: fall back to the plain filename.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
  return plain ? plain[1]!.trim() : null;
}

async function readError(res: Response): Promise<AppError> {
  try {
    const body = (await res.json()) as Partial<ApiErrorBody> | null;
    if (body?.error?.code) return AppError.fromWire(body.error, res.status);
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  return new AppError(res.status === 404 ? 'NOT_FOUND' : 'INTERNAL', `Could not load the recording (${res.status})`, { status: res.status });
}

/**
 * GET the composite (or one track) with the bearer token — a <video> or <a href> cannot send it —
 * reading it in chunks so `onProgress` (0..1, when the size is known) can show how far it got.
 */
export async function fetchRecordingFile(
  recordingId: number,
  opts: RecordingFilePick & { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
  retried = false,
): Promise<RecordingFile> {
  const token = currentToken();
  let res: Response;
  try {
    res = await fetch(downloadPath(recordingId, opts), {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new AppError('NETWORK', 'Cannot reach the server.');
  }
  if (res.status === 401 && !retried && (await renewAfterUnauthorized(token))) {
    return fetchRecordingFile(recordingId, opts, true);
  }
  if (!res.ok) throw await readError(res);
  const filename =
    filenameFromDisposition(res.headers.get('Content-Disposition')) ??
    `recording-${recordingId}${opts.trackId ? `-${opts.trackId}-${opts.segment ?? 0}` : ''}.webm`;
  const blob = await readBody(res, opts.onProgress);
  return { url: URL.createObjectURL(blob), filename };
}

async function readBody(res: Response, onProgress?: (fraction: number) => void): Promise<Blob> {
  const total = Number(res.headers.get('Content-Length') ?? 0);
  const type = res.headers.get('Content-Type') ?? 'application/octet-stream';
  if (!res.body || !onProgress || !(total > 0)) return res.blob();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    onProgress(Math.min(1, received / total));
  }
  return new Blob(chunks as BlobPart[], { type });
}

/** Hands a fetched file to the browser as a download under its name. */
export function saveFile(file: RecordingFile): void {
  const a = document.createElement('a');
  a.href = file.url;
  a.download = file.filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The click starts the download synchronously; the URL is kept a little for slow browsers.
  setTimeout(() => URL.revokeObjectURL(file.url), 30_000);
}
