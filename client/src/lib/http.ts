import type { ApiErrorBody } from '@minimeet/shared';
import { AppError } from './errors';

type TokenSource = () => string | null;
let tokenSource: TokenSource = () => null;
let onUnauthorized: () => void = () => {};
let refreshToken: (() => Promise<boolean>) | null = null;

/**
 * Wired once by the auth store: where the bearer token comes from, how to renew it (a 401 is
 * answered by one refresh and one retry), and what a 401 that survives the retry does.
 */
export function configureHttp(opts: {
  getToken: TokenSource;
  refresh?: () => Promise<boolean>;
  onUnauthorized: () => void;
}): void {
  tokenSource = opts.getToken;
  refreshToken = opts.refresh ?? null;
  onUnauthorized = opts.onUnauthorized;
}

/** The current bearer token, for requests `api` cannot make (XHR uploads with progress, blob downloads). */
export function currentToken(): string | null {
  return tokenSource();
}

/**
 * After a 401 to a request `api` could not make: whether a fresh token is there to retry with
 * (renewed meanwhile by another request, or now). False: the session is over.
 */
export async function renewAfterUnauthorized(tokenUsed: string | null): Promise<boolean> {
  if (tokenUsed && tokenSource() !== tokenUsed) return true;
  if (refreshToken && (await refreshToken())) return true;
  onUnauthorized();
  return false;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** Send the bearer token (default true). */
  auth?: boolean;
  /** Send this token instead of the session's (checking a token before it becomes the session); its 401 signs nobody out. */
  bearer?: string;
}

/** Internal: the one retry after a refresh. */
interface AttemptOptions extends RequestOptions {
  retried?: boolean;
}

function isApiErrorBody(v: unknown): v is ApiErrorBody {
  if (typeof v !== 'object' || v === null) return false;
  const e = (v as { error?: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string';
}

/** JSON request to the REST API under /api. Throws AppError on any failure. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  return attempt<T>(path, opts);
}

async function attempt<T>(path: string, opts: AttemptOptions): Promise<T> {
  const url = new URL(`/api${path}`, window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const token = opts.bearer ?? (opts.auth === false ? null : tokenSource());
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

  if (res.status === 401 && token && opts.bearer === undefined) {
    if (!opts.retried && refreshToken) {
      // Renewed meanwhile (another request refreshed first), or renewable now: try once more.
      const renewed = tokenSource() !== token || (await refreshToken());
      if (renewed) return attempt<T>(path, { ...opts, retried: true });
      // Not renewable: the auth store has signed out (or will retry after a network failure).
    } else {
      onUnauthorized();
    }
  }
  if (isApiErrorBody(body)) throw AppError.fromWire(body.error, res.status);
  // A proxy error page (dev server with the API down) or an unexpected body.
  if (res.status >= 502 && res.status <= 504) throw new AppError('NETWORK', 'Cannot reach the server.', { status: res.status });
  throw new AppError(res.status === 401 ? 'UNAUTHORIZED' : 'INTERNAL', `Request failed (${res.status})`, {
    status: res.status,
  });
}
