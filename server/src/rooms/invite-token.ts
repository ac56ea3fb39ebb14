import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe (43 characters). */
export function newInviteToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison. Both sides are hashed first so inputs of any length compare in the
 * same time and timingSafeEqual always gets equal-length buffers.
 */
export function inviteTokenMatches(expected: string | null, given: string | undefined): boolean {
  if (!expected || given === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
