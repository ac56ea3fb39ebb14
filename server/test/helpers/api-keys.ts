import { createHmac } from 'node:crypto';
import { runAdminCli } from '@minimeet/test-harness';
import { TEST_JWT_SECRET } from './chat-server.js';

export interface CreatedKey {
  id: string;
  secret: string;
}

/** `npm run admin -- apikey …` against a chat target's database (same JWT secret as its server). */
export function apiKeyCli(databaseUrl: string, args: string[], jwtSecret = TEST_JWT_SECRET) {
  return runAdminCli(['apikey', ...args], { databaseUrl, env: { JWT_SECRET: jwtSecret } });
}

/** Creates a key with the CLI (with the server's JWT secret unless told) and reads its id and secret. */
export async function createApiKey(databaseUrl: string, name: string, jwtSecret?: string): Promise<CreatedKey> {
  const res = await apiKeyCli(databaseUrl, ['create', name], jwtSecret);
  const id = /key id: (\S+)/.exec(res.stdout)?.[1];
  const secret = /secret: (\S+)/.exec(res.stdout)?.[1];
  if (res.code !== 0 || !id || !secret) throw new Error(`apikey create failed: ${res.code} ${res.stdout} ${res.stderr}`);
  return { id, secret };
}

/** What an external app does (the README's example): an HS256 JWT with the key id in `kid`. */
export function mintJoinToken(
  key: CreatedKey,
  claims: Record<string, unknown>,
  opts: { secret?: string; lifetimeSeconds?: number } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = { iat: now, exp: now + (opts.lifetimeSeconds ?? 600), ...claims };
  const head = `${b64({ alg: 'HS256', typ: 'JWT', kid: key.id })}.${b64(body)}`;
  return `${head}.${createHmac('sha256', opts.secret ?? key.secret).update(head).digest('base64url')}`;
}

export function basicAuth(key: CreatedKey, secret = key.secret): string {
  return `Basic ${Buffer.from(`${key.id}:${secret}`).toString('base64')}`;
}
