import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadAdminCliConfig, loadConfig } from './env.schema.js';

describe('auth configuration', () => {
  it('has no built-in JWT secret: unset means "generate one" (outside production)', () => {
    expect(loadConfig({}).jwtSecret).toBeUndefined();
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /^JWT_SECRET: required when NODE_ENV=production$/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(
      /at least 32 characters/,
    );
  });

  it('keeps the data directory next to the SQLite file, else ./data, unless DATA_DIR says otherwise', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/srv/mm/db.sqlite' }).dataDir).toBe('/srv/mm');
    expect(loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/mm' }).dataDir).toBe(path.resolve('data'));
    expect(loadConfig({ DATA_DIR: '/var/lib/minimeet' }).dataDir).toBe('/var/lib/minimeet');
  });

  it('token lifetimes default to 15 minutes and 30 days', () => {
    const config = loadConfig({});
    expect(config.accessTokenTtlSeconds).toBe(900);
    expect(config.refreshTokenTtlSeconds).toBe(30 * 86_400);
    expect(loadConfig({ ACCESS_TOKEN_TTL_SECONDS: '3' }).accessTokenTtlSeconds).toBe(3);
  });

  it('guests: tokens of 15 minutes and 10 logins a minute per address by default', () => {
    const config = loadConfig({});
    expect(config.guestTokenTtlMs).toBe(900_000);
    expect(config.rateLimits.guestLoginsPerMinute).toBe(10);
    const set = loadConfig({ GUEST_TOKEN_TTL_MS: '60000', GUEST_LOGIN_RATE_LIMIT: '3' });
    expect([set.guestTokenTtlMs, set.rateLimits.guestLoginsPerMinute]).toEqual([60_000, 3]);
  });

  it.each([
    [{ GUEST_TOKEN_TTL_MS: '5' }, /^GUEST_TOKEN_TTL_MS: .*between 10000 and 86400000/],
    [{ GUEST_LOGIN_RATE_LIMIT: '0' }, /^GUEST_LOGIN_RATE_LIMIT: /],
    [{ ACCESS_TOKEN_TTL_SECONDS: '0' }, /^ACCESS_TOKEN_TTL_SECONDS: .*between 1 and 86400 \(got "0"\)$/],
    [{ ACCESS_TOKEN_TTL_SECONDS: '90000' }, /^ACCESS_TOKEN_TTL_SECONDS: .*between 1 and 86400/],
    [{ REFRESH_TOKEN_TTL_SECONDS: 'forever' }, /^REFRESH_TOKEN_TTL_SECONDS: .*number/],
    [
      { ACCESS_TOKEN_TTL_SECONDS: '3600', REFRESH_TOKEN_TTL_SECONDS: '600' },
      /^REFRESH_TOKEN_TTL_SECONDS: must be longer/,
    ],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('the admin CLI needs only the database and the admin names (works without a production JWT_SECRET)', () => {
    // jwtSecret and dataDir are read (not required) so `apikey` commands can encrypt key secrets
    // with the same key the server derives from its JWT secret (JWT_SECRET, else the file in DATA_DIR).
    expect(loadAdminCliConfig({ NODE_ENV: 'production', ADMIN_USERNAMES: ' Boss ,eve' })).toEqual({
      database: { type: 'sqlite', path: './data/minimeet.sqlite' },
      adminUsernames: ['boss', 'eve'],
      dataDir: expect.any(String),
      jwtSecret: undefined,
    });
    expect(loadAdminCliConfig({ JWT_SECRET: 'a'.repeat(32) }).jwtSecret).toBe('a'.repeat(32));
    expect(() => loadAdminCliConfig({ DATABASE_URL: 'postgres://x' })).toThrow(
      /^DATABASE_URL: unsupported value/,
    );
  });
});
