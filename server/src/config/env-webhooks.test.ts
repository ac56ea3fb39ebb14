import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.schema.js';

const SECRET = 'a-webhook-secret-0123';

describe('WEBHOOK_*', () => {
  it('default to no webhooks, 6 attempts, 5 s backoff base and timeout', () => {
    expect(loadConfig({}).webhooks).toEqual({ urls: [], secret: '', maxAttempts: 6, retryBaseMs: 5000, timeoutMs: 5000 });
  });

  it('accept a comma-separated list of http(s) URLs with a secret', () => {
    const config = loadConfig({
      WEBHOOK_URLS: ' https://hooks.example.com/minimeet , http://10.0.0.5:8080/in ,',
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_MAX_ATTEMPTS: '3',
    });
    expect(config.webhooks.urls).toEqual(['https://hooks.example.com/minimeet', 'http://10.0.0.5:8080/in']);
    expect(config.webhooks.maxAttempts).toBe(3);
  });

  it.each([
    [{ WEBHOOK_URLS: 'ftp://example.com/x', WEBHOOK_SECRET: SECRET }, /^WEBHOOK_URLS: "ftp:\/\/example.com\/x" is not an http\(s\) URL$/],
    [{ WEBHOOK_URLS: 'not a url', WEBHOOK_SECRET: SECRET }, /^WEBHOOK_URLS: /],
    [{ WEBHOOK_URLS: 'https://example.com/x' }, /^WEBHOOK_SECRET: required/],
    [{ WEBHOOK_URLS: 'https://example.com/x', WEBHOOK_SECRET: 'short' }, /^WEBHOOK_SECRET: required \(16\+/],
    [{ WEBHOOK_MAX_ATTEMPTS: '0' }, /^WEBHOOK_MAX_ATTEMPTS: .*between 1 and 20/],
    [{ WEBHOOK_TIMEOUT_MS: 'soon' }, /^WEBHOOK_TIMEOUT_MS: .*number/],
  ])('refuse %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
