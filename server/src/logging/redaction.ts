import { pino } from 'pino';

/**
 * Log fields that may hold secrets, removed wherever they appear (top level or one object
 * deep): credentials, tokens, password hashes.
 */
const SECRET_KEYS = [
  'authorization',
  'cookie',
  'password',
  'passwordHash',
  'token',
  'accessToken',
  'inviteToken',
  'jwt',
  'secret',
];

export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

/** Properties of database errors that carry SQL text or bound values (passwords hashes, messages…). */
const SQL_KEYS = ['query', 'parameters', 'sql', 'sqlMessage', 'driverError'];

/**
 * pino's error serializer minus SQL: TypeORM's QueryFailedError carries the statement and its
 * parameters, the driver's error the same again; a database message may quote a value, so its
 * quoted parts are masked. The error's name, message shape, code and stack stay for debugging.
 */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  const fromDatabase = SQL_KEYS.some((k) => k in err);
  return stripSql(out, fromDatabase, 0);
}

function stripSql(value: Record<string, unknown>, mask: boolean, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SQL_KEYS.includes(key)) continue;
    if (mask && (key === 'message' || key === 'stack') && typeof v === 'string') out[key] = maskQuoted(v);
    else if (depth < 3 && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      out[key] = stripSql(v as Record<string, unknown>, mask || SQL_KEYS.some((k) => k in v), depth + 1);
    } else out[key] = v;
  }
  return out;
}

function maskQuoted(text: string): string {
  return text.replace(/'(?:[^'\\]|\\.)*'/g, "'…'").replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
}
