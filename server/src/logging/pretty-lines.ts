/** pino's numeric levels as the names a reader expects. */
const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** ANSI colours per level, only used when the terminal shows them. */
const LEVEL_COLOURS: Record<number, string> = {
  10: '\x1b[90m',
  20: '\x1b[36m',
  30: '\x1b[32m',
  40: '\x1b[33m',
  50: '\x1b[31m',
  60: '\x1b[35m',
};
const RESET = '\x1b[0m';

/** Fields shown in the line's head, or that every line carries (so they are noise). */
const HEAD_FIELDS = new Set(['level', 'time', 'msg', 'context', 'service', 'pid', 'hostname']);

/**
 * One pino JSON line as a line for people: `12:03:04.567 INFO  [http] http request status=200 ms=1.2`,
 * with an error's stack on the lines after it. A line that is not JSON passes through unchanged.
 */
export function prettyLogLine(jsonLine: string, colours = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine.endsWith('\n') ? jsonLine : `${jsonLine}\n`;
  }
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const name = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const context = typeof entry.context === 'string' ? ` [${entry.context}]` : '';
  const msg = typeof entry.msg === 'string' ? ` ${entry.msg}` : '';
  const fields: string[] = [];
  let stack = '';
  for (const [key, value] of Object.entries(entry)) {
    if (HEAD_FIELDS.has(key) || value === undefined) continue;
    if ((key === 'err' || key === 'error') && isErrorLike(value)) {
      fields.push(`${key}=${JSON.stringify(value.message ?? '')}`);
      if (typeof value.stack === 'string') stack = `\n    ${value.stack.split('\n').join('\n    ')}`;
      continue;
    }
    fields.push(`${key}=${formatValue(value)}`);
  }
  const levelText = colours ? `${LEVEL_COLOURS[level] ?? ''}${name}${RESET}` : name;
  const tail = fields.length > 0 ? ` ${fields.join(' ')}` : '';
  return `${time} ${levelText}${context}${msg}${tail}${stack}\n`;
}

function isErrorLike(value: unknown): value is { message?: unknown; stack?: unknown } {
  return typeof value === 'object' && value !== null && ('message' in value || 'stack' in value);
}

/** Plain words stay bare; anything with spaces, quotes or structure is JSON. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}
