import { ErrorCode, type ErrorDetails, type WireError } from '@minimeet/shared';

/**
 * A refusal the client can act on (bad input, not allowed, not found…). Services throw it; the
 * HTTP filter and the socket ack wrapper turn it into the shared wire error shape.
 */
export class AppError extends Error {
  override name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
  }

  toWire(): WireError {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.VALIDATION]: 400,
  [ErrorCode.UNAUTHORIZED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_IN_ROOM]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.ROOM_FULL]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.TRANSPORT_NOT_FOUND]: 404,
  [ErrorCode.PRODUCER_NOT_FOUND]: 404,
  [ErrorCode.CONSUMER_NOT_FOUND]: 404,
  [ErrorCode.CANNOT_CONSUME]: 409,
  [ErrorCode.NOT_AUDIBLE]: 409,
  [ErrorCode.NOT_ON_STAGE]: 403,
  [ErrorCode.TOO_MANY_CONSUMERS]: 409,
  [ErrorCode.MEDIA_UNAVAILABLE]: 503,
  [ErrorCode.LIMIT_EXCEEDED]: 409,
  [ErrorCode.ROOM_LOCKED]: 403,
  [ErrorCode.INVITE_REQUIRED]: 403,
  [ErrorCode.REMOVED_FROM_ROOM]: 403,
  [ErrorCode.UNAVAILABLE]: 503,
  [ErrorCode.TOO_LARGE]: 413,
  [ErrorCode.QUOTA_EXCEEDED]: 413,
  [ErrorCode.INTERNAL]: 500,
  [ErrorCode.WAITING_IN_LOBBY]: 403,
  [ErrorCode.LOBBY_DENIED]: 403,
  [ErrorCode.STORAGE_FULL]: 507,
};

export function httpStatusFor(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

/** The closest error code for an HTTP status raised by Nest or a library (404 route, 429 throttler…). */
export function errorCodeForStatus(status: number): ErrorCode {
  if (status === 401) return ErrorCode.UNAUTHORIZED;
  if (status === 403) return ErrorCode.FORBIDDEN;
  if (status === 404) return ErrorCode.NOT_FOUND;
  if (status === 409) return ErrorCode.CONFLICT;
  if (status === 429) return ErrorCode.RATE_LIMITED;
  if (status >= 400 && status < 500) return ErrorCode.VALIDATION;
  return ErrorCode.INTERNAL;
}
