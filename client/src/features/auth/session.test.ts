import { describe, expect, it, vi } from 'vitest';
import { fakeJwt } from '../../test/fetchMock';
import { loadSession, saveSession, SESSION_KEY, tokenExpiry } from './session';

const user = { id: 1, username: 'alice', role: 'user' as const };

describe('session persistence', () => {
  it('reads exp from the token', () => {
    expect(tokenExpiry(fakeJwt(2_000_000_000))).toBe(2_000_000_000_000);
    expect(tokenExpiry('garbage')).toBeNull();
    expect(tokenExpiry('a.!!!.c')).toBeNull();
  });

  it('round-trips a valid session through localStorage', () => {
    const token = fakeJwt(Math.floor(Date.now() / 1000) + 3600);
    saveSession({ accessToken: token, refreshToken: null, user, expiresAt: null, refreshExpiresAt: null });
    expect(loadSession()).toMatchObject({ accessToken: token, user, expiresAt: expect.any(Number) });
  });

  it('drops an expired session', () => {
    saveSession({
      accessToken: fakeJwt(Math.floor(Date.now() / 1000) - 10),
      refreshToken: null,
      user,
      expiresAt: null,
      refreshExpiresAt: null,
    });
    expect(loadSession()).toBeNull();
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
  });

  it('ignores corrupt storage', () => {
    localStorage.setItem(SESSION_KEY, '{not json');
    expect(loadSession()).toBeNull();
  });

  it('works without storage where the browser denies it (a frame in another site)', () => {
    const denied = vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException("Failed to read the 'localStorage' property from 'Window'", 'SecurityError');
    });
    try {
      const token = fakeJwt(Math.floor(Date.now() / 1000) + 3600);
      expect(() => saveSession({ accessToken: token, refreshToken: null, user, expiresAt: null, refreshExpiresAt: null })).not.toThrow();
      expect(loadSession()).toBeNull();
    } finally {
      denied.mockRestore();
    }
  });
});
