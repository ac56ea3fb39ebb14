/**
 * Error codes shared by REST error bodies and Socket.IO ack errors, so a client handles one
 * vocabulary whichever transport failed.
 */
export const ErrorCode = {
  VALIDATION: 'VALIDATION',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  NOT_IN_ROOM: 'NOT_IN_ROOM',
  ROOM_FULL: 'ROOM_FULL',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorDetails {
  /** For VALIDATION: failing field path → human readable messages. */
  fields?: Record<string, string[]>;
  /** For RATE_LIMITED: how long to wait before trying again. */
  retryAfterMs?: number;
}

export interface WireError {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

/** Every client→server socket event is answered with exactly one Ack. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: WireError };

/** JSON body of every non-2xx REST response. */
export interface ApiErrorBody {
  statusCode: number;
  error: WireError;
}

/** The `connect_error` message for a missing, malformed or expired handshake token. */
export const SOCKET_UNAUTHORIZED = 'unauthorized';
