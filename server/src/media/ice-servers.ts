import type { IceServer } from '@minimeet/shared';
import { createHmac } from 'node:crypto';
import type { TurnConfig } from '../config/env.schema.js';

/**
 * The TURN servers a client gets with each transport. With a shared secret these are coturn
 * `use-auth-secret` (TURN REST API) credentials: username `<expiry unix seconds>:<userId>`,
 * credential base64(HMAC-SHA1(secret, username)); coturn checks them without any call to us and
 * refuses them after the expiry, so a leaked one is short-lived. Otherwise the static user/password.
 */
export function iceServersFor(turn: TurnConfig, userId: number, nowMs: number = Date.now()): IceServer[] {
  if (!turn.urls.length) return [];
  if (turn.secret) {
    const expiry = Math.floor(nowMs / 1000) + turn.credentialTtlSeconds;
    const username = `${expiry}:${userId}`;
    const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
    return [{ urls: [...turn.urls], username, credential }];
  }
  return [{ urls: [...turn.urls], username: turn.username, credential: turn.password }];
}
