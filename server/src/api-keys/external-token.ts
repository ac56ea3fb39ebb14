import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  ErrorCode,
  EXTERNAL_TOKEN_MAX_LIFETIME_SECONDS,
  type ExternalTokenRefusal,
  type RoomGrants,
} from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import type { ApiKeyStore } from './api-key-store.js';

/** What a verified app-minted join token says. */
export interface ExternalJoin {
  apiKeyId: string;
  roomId: number;
  subject: string;
  displayName: string;
  grants: RoomGrants;
  /** seconds since epoch */
  exp: number;
}

const SUBJECT_MAX = 128;
const NAME_MAX = 32;

export function refused(reason: ExternalTokenRefusal, message: string): AppError {
  return new AppError(ErrorCode.UNAUTHORIZED, message, { reason });
}

function decodePart(part: string | undefined): Record<string, unknown> | null {
  if (!part) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function grant(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/**
 * Verifies a join token an app signed with its key (HS256 only, header `kid`): signature with
 * the key's secret, `exp` in the future and at most 24 h after `iat`, claims well formed.
 * Every refusal is UNAUTHORIZED with `details.reason`.
 */
export async function verifyExternalToken(
  token: string,
  keys: ApiKeyStore,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<ExternalJoin> {
  const parts = token.split('.');
  const header = decodePart(parts[0]);
  const claims = decodePart(parts[1]);
  if (parts.length !== 3 || !header || !claims || !parts[2])
    throw refused('MALFORMED', 'The token is not a JWT');
  if (header.alg !== 'HS256') throw refused('MALFORMED', 'The token must be signed with HS256');
  if (typeof header.kid !== 'string' || header.kid.length > 64)
    throw refused('MALFORMED', 'The token header has no key id (kid)');
  const found = await keys.findUsable(header.kid);
  if (found === 'unknown') throw refused('UNKNOWN_KEY', 'Unknown API key');
  if (found === 'revoked') throw refused('KEY_REVOKED', 'This API key was revoked');
  const expected = createHmac('sha256', found.secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw refused('BAD_SIGNATURE', 'The token signature does not match the API key');

  const { room, sub, name, grants, exp, iat } = claims;
  if (typeof exp !== 'number' || typeof iat !== 'number' || !Number.isFinite(exp) || !Number.isFinite(iat))
    throw refused('MALFORMED', 'The token needs numeric iat and exp');
  if (exp <= nowSeconds) throw refused('EXPIRED', 'The token has expired');
  // iat in the future would stretch the window: count from whichever is later.
  if (exp - Math.min(iat, nowSeconds) > EXTERNAL_TOKEN_MAX_LIFETIME_SECONDS)
    throw refused('EXPIRY_TOO_FAR', 'The token may live at most 24 hours (exp - iat)');
  if (typeof room !== 'number' || !Number.isSafeInteger(room) || room < 1)
    throw refused('MALFORMED', 'The token needs a room id (claim room)');
  // '#…' is reserved for the key's own app user (the owner of rooms made with /api/v1).
  if (typeof sub !== 'string' || !sub.length || sub.length > SUBJECT_MAX || sub.startsWith('#'))
    throw refused('MALFORMED', `The token needs an identity (claim sub, 1-${SUBJECT_MAX} characters, not starting with #)`);
  // Cut by code points, so no half of a surrogate pair reaches the database.
  const displayName = typeof name === 'string' ? Array.from(name.trim()).slice(0, NAME_MAX).join('').trim() : '';
  if (!displayName) throw refused('MALFORMED', 'The token needs a display name (claim name)');
  const g = typeof grants === 'object' && grants !== null ? (grants as Record<string, unknown>) : {};
  return {
    apiKeyId: found.key.id,
    roomId: room,
    subject: sub,
    displayName,
    grants: { publish: grant(g.publish, true), subscribe: grant(g.subscribe, true), moderate: grant(g.moderate, false) },
    exp: Math.floor(exp),
  };
}
