import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.schema.js';

const REDIS = { REDIS_URL: 'redis://127.0.0.1:6379' };

describe('cluster configuration', () => {
  it('pipes default to the media listen and announced addresses', () => {
    const config = loadConfig({
      MEDIASOUP_LISTEN_IP: '10.0.0.5',
      MEDIASOUP_ANNOUNCED_ADDRESS: 'media.example.com',
    });
    expect(config.cluster.pipe).toEqual({
      listenIp: '10.0.0.5',
      announcedAddress: 'media.example.com',
      minPort: 40100,
      maxPort: 40999,
      idleCloseMs: 5000,
    });
  });

  it.each([
    [{ CLUSTER_PIPE_MIN_PORT: '40050', CLUSTER_PIPE_MAX_PORT: '40150' }, '40050-40150'],
    [{ CLUSTER_PIPE_MIN_PORT: '39000', CLUSTER_PIPE_MAX_PORT: '41000' }, '39000-41000'],
    [{ CLUSTER_PIPE_MIN_PORT: '40099', CLUSTER_PIPE_MAX_PORT: '40099' }, '40099-40099'],
  ])('refuses a pipe range %j that overlaps the RTC range, naming both ranges', (pipes, range) => {
    const env = { ...REDIS, RTC_MIN_PORT: '40000', RTC_MAX_PORT: '40099', ...pipes };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(
      new RegExp(
        `^CLUSTER_PIPE_MIN_PORT/CLUSTER_PIPE_MAX_PORT: range ${range} overlaps RTC_MIN_PORT/RTC_MAX_PORT 40000-40099 [^\\n]*$`,
      ),
    );
  });

  it('accepts adjacent ranges, and any pipe range without REDIS_URL (no pipes are made then)', () => {
    expect(loadConfig({ ...REDIS, RTC_MIN_PORT: '40000', RTC_MAX_PORT: '40099' }).cluster.pipe.minPort).toBe(
      40100,
    );
    expect(
      loadConfig({ CLUSTER_PIPE_MIN_PORT: '40000', CLUSTER_PIPE_MAX_PORT: '40999' }).cluster.pipe.minPort,
    ).toBe(40000);
  });

  it.each([
    [
      { CLUSTER_PIPE_MIN_PORT: '41000', CLUSTER_PIPE_MAX_PORT: '40999' },
      /^CLUSTER_PIPE_MIN_PORT\/CLUSTER_PIPE_MAX_PORT: inverted range/,
    ],
    [{ CLUSTER_NODE_ID: 'has space' }, /^CLUSTER_NODE_ID: CLUSTER_NODE_ID must be 1-64/],
    [{ CLUSTER_NODE_TTL_MS: '100' }, /^CLUSTER_NODE_TTL_MS: .*between 3000 and 60000/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('CLUSTER_PUBLIC_URL: an http(s) URL, kept without a trailing slash; unset by default', () => {
    expect(loadConfig({}).cluster.publicUrl).toBeUndefined();
    expect(loadConfig({ CLUSTER_PUBLIC_URL: 'https://meet-b.example.com/' }).cluster.publicUrl).toBe(
      'https://meet-b.example.com',
    );
    expect(() => loadConfig({ CLUSTER_PUBLIC_URL: 'ftp://x' })).toThrow(/^CLUSTER_PUBLIC_URL: .*http\(s\) URL/);
    expect(() => loadConfig({ CLUSTER_PUBLIC_URL: 'not a url' })).toThrow(/^CLUSTER_PUBLIC_URL/);
  });

  it('SHUTDOWN_GRACE_MS: 30 s by default, 0 allowed (stop at once), bounded', () => {
    expect(loadConfig({}).shutdown.graceMs).toBe(30_000);
    expect(loadConfig({ SHUTDOWN_GRACE_MS: '0' }).shutdown.graceMs).toBe(0);
    expect(() => loadConfig({ SHUTDOWN_GRACE_MS: '-1' })).toThrow(/^SHUTDOWN_GRACE_MS: .*between 0 and 600000/);
    expect(() => loadConfig({ SHUTDOWN_GRACE_MS: 'soon' })).toThrow(/^SHUTDOWN_GRACE_MS/);
  });
});
