import { createHmac } from 'node:crypto';
import { TEST_JWT_SECRET } from './chat-server.js';

/** An HS256 JWT with these claims, signed with `secret` (the chat tests' server secret by default). */
export function forgeToken(claims: Record<string, unknown>, secret: string = TEST_JWT_SECRET): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
