import { randomBytes } from 'node:crypto';
import { secretsEqual } from '../common/bearer-secrets.js';

/** 256 random bits, URL-safe (43 characters). */
export function newInviteToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison (see secretsEqual). */
export function inviteTokenMatches(expected: string | null, given: string | undefined): boolean {
  if (!expected || given === undefined) return false;
  return secretsEqual(expected, given);
}
