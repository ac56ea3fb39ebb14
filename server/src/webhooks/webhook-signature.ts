import { createHmac } from 'node:crypto';

/** Hex HMAC-SHA256 of `${timestamp}.${body}`: the X-MiniMeet-Signature value after "sha256=". */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
