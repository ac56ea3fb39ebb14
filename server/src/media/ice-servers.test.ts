import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type TurnConfig } from '../config/env.schema.js';
import { iceServersFor } from './ice-servers.js';

const base: TurnConfig = {
  urls: ['turn:turn.example.com:3478?transport=udp', 'turn:turn.example.com:3478?transport=tcp'],
  secret: 'shared-secret',
  username: undefined,
  password: undefined,
  credentialTtlSeconds: 600,
  iceTransportPolicy: 'all',
};

describe('iceServersFor', () => {
  it('gives coturn use-auth-secret credentials that expire after the TTL', () => {
    const now = Date.UTC(2026, 0, 1);
    const [server] = iceServersFor(base, 42, now);
    const expiry = now / 1000 + 600;
    expect(server).toEqual({
      urls: base.urls,
      username: `${expiry}:42`,
      credential: createHmac('sha1', 'shared-secret').update(`${expiry}:42`).digest('base64'),
    });
  });

  it('gives the static user/password without a secret, and nothing without TURN', () => {
    const fixed = { ...base, secret: undefined, username: 'u', password: 'p' };
    expect(iceServersFor(fixed, 1)).toEqual([{ urls: base.urls, username: 'u', credential: 'p' }]);
    expect(iceServersFor({ ...base, urls: [] }, 1)).toEqual([]);
  });
});

describe('TURN configuration', () => {
  it('parses TURN_URLS, the secret, TTL and policy', () => {
    const c = loadConfig({
      TURN_URLS: 'turn:10.0.0.1:3478, turns:turn.example.com:5349?transport=tcp',
      TURN_SECRET: 's',
      TURN_CREDENTIAL_TTL_SECONDS: '120',
      ICE_TRANSPORT_POLICY: 'relay',
    });
    expect(c.media.turn).toMatchObject({
      urls: ['turn:10.0.0.1:3478', 'turns:turn.example.com:5349?transport=tcp'],
      secret: 's',
      credentialTtlSeconds: 120,
      iceTransportPolicy: 'relay',
    });
    expect(loadConfig({}).media.turn).toMatchObject({
      urls: [],
      iceTransportPolicy: 'all',
      credentialTtlSeconds: 3600,
    });
  });

  it.each([
    [{ TURN_URLS: 'stun:x:3478', TURN_SECRET: 's' }, /^TURN_URLS: .*not a turn/],
    [{ TURN_URLS: 'turn:x:3478' }, /^TURN_URLS: needs TURN_SECRET/],
    [{ TURN_URLS: 'turn:x:3478', TURN_USERNAME: 'u' }, /^TURN_URLS: needs/],
    [{ TURN_URLS: 'turn:x:3478', TURN_SECRET: 's', TURN_PASSWORD: 'p' }, /^TURN_SECRET: set either/],
    [{ TURN_SECRET: 's' }, /^TURN_URLS: required/],
    [{ ICE_TRANSPORT_POLICY: 'relay' }, /^ICE_TRANSPORT_POLICY: "relay" needs TURN_URLS/],
    [{ ICE_TRANSPORT_POLICY: 'tcp' }, /^ICE_TRANSPORT_POLICY: ICE_TRANSPORT_POLICY must be "all" or "relay"/],
    [
      { TURN_URLS: 'turn:x', TURN_SECRET: 's', TURN_CREDENTIAL_TTL_SECONDS: '5' },
      /^TURN_CREDENTIAL_TTL_SECONDS/,
    ],
  ])('refuses %o with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
