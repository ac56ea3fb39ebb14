import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.schema.js';

describe('ADMIN_STATS_INTERVAL_MS and METRICS_TOKEN', () => {
  it('default to a 2 s stats interval and an open /metrics', () => {
    const config = loadConfig({ METRICS_TOKEN: '' });
    expect(config.adminStatsIntervalMs).toBe(2000);
    expect(config.metricsToken).toBeUndefined();
  });

  it('accept valid values', () => {
    const config = loadConfig({ ADMIN_STATS_INTERVAL_MS: '500', METRICS_TOKEN: 'abcdefghijklmnop-1234' });
    expect(config.adminStatsIntervalMs).toBe(500);
    expect(config.metricsToken).toBe('abcdefghijklmnop-1234');
  });

  it.each([
    [{ ADMIN_STATS_INTERVAL_MS: '50' }, /^ADMIN_STATS_INTERVAL_MS: .*between 100 and 60000 \(got "50"\)$/],
    [{ ADMIN_STATS_INTERVAL_MS: 'often' }, /^ADMIN_STATS_INTERVAL_MS: .*number/],
    [{ ADMIN_STATS_INTERVAL_MS: '1.5' }, /^ADMIN_STATS_INTERVAL_MS: .*integer/],
    [{ METRICS_TOKEN: 'short' }, /^METRICS_TOKEN: .*16-256 printable characters/],
    [{ METRICS_TOKEN: 'has a space in the token' }, /^METRICS_TOKEN: /],
  ])('refuse %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
