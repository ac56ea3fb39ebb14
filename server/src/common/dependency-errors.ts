/**
 * Which dependency an error says is down (unreachable, gone away, not answering in time), or
 * null for an error that says nothing about availability (a constraint, a bug). The one place
 * that knows the driver's and ioredis's connection-failure shapes; callers turn a hit into
 * UNAVAILABLE (retryable) instead of INTERNAL.
 */
export type Dependency = 'db' | 'redis';

export const DEPENDENCIES: readonly Dependency[] = ['db', 'redis'];

/** Thrown by our own code when it finds a dependency not usable (e.g. a subscriber not back yet). */
export class DependencyDownError extends Error {
  override name = 'DependencyDownError';

  constructor(
    readonly dependency: Dependency,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reconnect delay of every ioredis connection: soon after Redis is back, whichever of a
 * process's connections (commands, subscribers, the Socket.IO adapter's) it is.
 */
export function redisReconnectDelayMs(attempt: number): number {
  return Math.min(attempt * 50, 500);
}

/** Node socket errors: a refused, reset or timed-out TCP connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** mysql2 / MariaDB codes for a connection lost, refused, shut down or not acquired in time. */
const MYSQL_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'POOL_ENQUEUELIMIT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
  'ER_GET_CONNECTION_TIMEOUT',
]);
/** CR_CONNECTION_ERROR, CR_CONN_HOST_ERROR, CR_SERVER_GONE_ERROR, CR_SERVER_LOST, ER_SERVER_SHUTDOWN. */
const MYSQL_ERRNOS = new Set([2002, 2003, 2006, 2013, 1053]);
/** SQLite: the file is locked past busy_timeout or cannot be read. */
const SQLITE_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_IOERR'];

/** ioredis rejections while the connection is down, reconnecting or not answering. */
const REDIS_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Command timed out',
  'Reached the max retries per request limit',
];
const REDIS_ERROR_NAMES = new Set(['MaxRetriesPerRequestError']);

interface ErrorFields {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

export function unavailableDependency(err: unknown, depth = 0): Dependency | null {
  if (typeof err !== 'object' || err === null || depth > 4) return null;
  if (err instanceof DependencyDownError) return err.dependency;
  const e = err as ErrorFields;
  if (isRedisFailure(e)) return 'redis';
  if (isDbFailure(e)) return 'db';
  // TypeORM's QueryFailedError wraps the driver's error; a refused dual-stack connect is an
  // AggregateError; our own wrappers use `cause`.
  for (const inner of [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    if (inner === err) continue;
    const found = unavailableDependency(inner, depth + 1);
    if (found) return found;
  }
  return null;
}

function isRedisFailure(e: ErrorFields): boolean {
  if (typeof e.name === 'string' && REDIS_ERROR_NAMES.has(e.name)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return REDIS_MESSAGES.some((m) => message.startsWith(m));
}

function isDbFailure(e: ErrorFields): boolean {
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code) || MYSQL_CODES.has(code)) return true;
  if (SQLITE_CODES.some((c) => code.startsWith(c))) return true;
  if (typeof e.errno === 'number' && MYSQL_ERRNOS.has(e.errno) && code !== '') return true;
  // mysql2 marks errors that killed the connection fatal ("Can't add new command when
  // connection is in closed state" has no code at all).
  if (e.fatal === true) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return (
    message.startsWith("Can't add new command when connection is in closed state") ||
    message === 'Pool is closed.' ||
    message.includes('Timeout acquiring a connection')
  );
}
