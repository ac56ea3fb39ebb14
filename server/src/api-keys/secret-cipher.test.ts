import { describe, expect, it } from 'vitest';
import { SecretCipher } from './secret-cipher.js';

describe('SecretCipher (API key secrets at rest)', () => {
  it('round-trips, never stores the plain secret, and another JWT secret cannot read it', () => {
    const cipher = new SecretCipher('server-jwt-secret-0123456789abcdef');
    const stored = cipher.encrypt('the-api-key-secret');
    expect(stored).not.toContain('the-api-key-secret');
    expect(cipher.encrypt('the-api-key-secret')).not.toBe(stored); // fresh IV each time
    expect(cipher.decrypt(stored)).toBe('the-api-key-secret');
    expect(() => new SecretCipher('another-jwt-secret-0123456789abcdef').decrypt(stored)).toThrow();
    const tampered = Buffer.from(stored, 'base64url');
    tampered[tampered.length - 1]! ^= 1;
    expect(() => cipher.decrypt(tampered.toString('base64url'))).toThrow();
  });
});
