import { z } from 'zod';

/**
 * Building blocks of the section schemas: numeric variables whose errors name the variable and
 * the accepted range, and cross-field problems reported as one whole startup line.
 */

export const port = (name: string, def: number) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(1, `${name} must be between 1 and 65535`)
    .max(65535, `${name} must be between 1 and 65535`)
    .default(def);

export const positiveInt = (name: string, def: number) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(1, `${name} must be at least 1`)
    .default(def);

export const intInRange = (name: string, def: number, min: number, max: number) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(min, `${name} must be between ${min} and ${max}`)
    .max(max, `${name} must be between ${min} and ${max}`)
    .default(def);

export const ipAddress = (name: string) =>
  z.ipv4({ message: `${name} must be an IPv4 address` }).or(z.ipv6());

/** Marks an issue whose message is the whole startup line (see parse-env.ts). */
export const WHOLE_LINE = 'wholeLine';

/**
 * Reports a problem that involves several variables, or whose value must not be echoed (a URL
 * with a password, a secret): `line` names the variables itself. Returns z.NEVER for transforms.
 */
export function refuse(ctx: z.RefinementCtx, line: string): never {
  ctx.addIssue({ code: 'custom', message: line, params: { [WHOLE_LINE]: true } });
  return z.NEVER;
}

/** Comma-separated list, trimmed, empty items dropped. */
export function commaList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
