import type { ErrorCode, WireError } from '@minimeet/shared';

/**
 * A failure the user should read: a REST error body, a socket ack error, a timeout or the
 * server being unreachable, all with the shared error vocabulary.
 */
export class AppError extends Error {
  readonly code: ErrorCode | 'NETWORK' | 'TIMEOUT';
  readonly status?: number;
  readonly fields?: Record<string, string[]>;
  readonly retryAfterMs?: number;

  constructor(
    code: ErrorCode | 'NETWORK' | 'TIMEOUT',
    message: string,
    extra: { status?: number; fields?: Record<string, string[]>; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = extra.status;
    this.fields = extra.fields;
    this.retryAfterMs = extra.retryAfterMs;
  }

  static fromWire(error: WireError, status?: number): AppError {
    return new AppError(error.code, error.message, {
      status,
      fields: error.details?.fields,
      retryAfterMs: error.details?.retryAfterMs,
    });
  }
}

const FRIENDLY: Partial<Record<AppError['code'], string>> = {
  NETWORK: 'Cannot reach the server. Check your connection and try again.',
  TIMEOUT: 'The server took too long to answer. Please try again.',
  ROOM_FULL: 'This room is full.',
  NOT_FOUND: 'Not found.',
  NOT_IN_ROOM: 'You are not in this room any more.',
  INTERNAL: 'Something went wrong on the server. Please try again.',
  UNAVAILABLE: 'The server is briefly unavailable. Please try again in a moment.',
};

/** A sentence for any thrown value; never an empty string or "[object Object]". */
export function describeError(err: unknown): string {
  if (err instanceof AppError) {
    if (err.code === 'RATE_LIMITED') {
      const secs = err.retryAfterMs ? Math.ceil(err.retryAfterMs / 1000) : undefined;
      return secs ? `Too many requests. Try again in ${secs} s.` : 'Too many requests. Slow down a little.';
    }
    if (err.code === 'NETWORK' || err.code === 'TIMEOUT' || err.code === 'INTERNAL') return FRIENDLY[err.code]!;
    return err.message || FRIENDLY[err.code] || 'Request failed.';
  }
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}
