import type { ApiErrorBody } from '@minimeet/shared';
import { AppError } from './errors';

type TokenSource = () => string | null;
let tokenSource: TokenSource = () => null;
let onUnauthorized: () => void = () => {};

/** Wired once by the auth store: where the bearer token comes from and what a 401 does. */
export function configureHttp(opts: { getToken: TokenSource; onUnauthorized: () => void }): void {
  tokenSource = opts.getToken;
  onUnauthorized = opts.onUnauthorized;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** Send the bearer token (default true). */
  auth?: boolean;
}

function isApiErrorBody(v: unknown): v is ApiErrorBody {
  if (typeof v !== 'object' || v === null) return false;
  const e = (v as { error?: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string';
}

/** JSON request to the REST API under /api. Throws AppError on any failure. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const url = new URL(`/api${path}`, window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const token = opts.auth === false ? null : tokenSource();
  if (token) headers.Authorization = `Bearer ${token}`;

  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new AppError('NETWORK', 'Cannot reach the server.');
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (res.ok) return body as T;

  if (res.status === 401 && token) onUnauthorized();
  if (isApiErrorBody(body)) throw AppError.fromWire(body.error, res.status);
  // A proxy error page (dev server with the API down) or an unexpected body.
  if (res.status >= 502 && res.status <= 504) throw new AppError('NETWORK', 'Cannot reach the server.', { status: res.status });
  throw new AppError(res.status === 401 ? 'UNAUTHORIZED' : 'INTERNAL', `Request failed (${res.status})`, {
    status: res.status,
  });
}
