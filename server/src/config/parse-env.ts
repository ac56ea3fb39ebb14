import { z } from 'zod';
import { WHOLE_LINE } from './env-fields.js';

/** Thrown with a one-line, human readable message naming the variable at fault. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates `env` against `schema`; throws ConfigError with one line on the first problem:
 * "<VARIABLE>: <message> (got "<value>")", or a cross-field problem's own line.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  // An empty variable (e.g. copied from .env.example) means "use the default".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'custom' && issue.params?.[WHOLE_LINE] === true) throw new ConfigError(issue.message);
  const name = String(issue.path.at(-1) ?? 'environment');
  const value = env[name];
  throw new ConfigError(
    `${name}: ${issue.message}${value === undefined ? '' : ` (got "${String(value).slice(0, 60)}")`}`,
  );
}

/**
 * One schema made of sections that all read the same environment, each picking its own
 * variables (an issue's path is [section, VARIABLE]).
 */
export function sectionsOf<T extends Record<string, z.ZodType>>(sections: T) {
  return z.preprocess(
    (env) => Object.fromEntries(Object.keys(sections).map((key) => [key, env])),
    z.object(sections),
  );
}
