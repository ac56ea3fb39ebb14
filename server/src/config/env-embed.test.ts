import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.schema.js';

describe('EMBED_ALLOWED_ORIGINS', () => {
  it('defaults to no origin (nobody may frame the embed page)', () => {
    expect(loadConfig({}).embedAllowedOrigins).toEqual([]);
  });

  it('accepts a comma-separated list of exact origins, trimmed and deduplicated', () => {
    const config = loadConfig({
      EMBED_ALLOWED_ORIGINS: ' https://lms.example.com , http://127.0.0.1:8080,https://lms.example.com,',
    });
    expect(config.embedAllowedOrigins).toEqual(['https://lms.example.com', 'http://127.0.0.1:8080']);
  });

  it.each([
    ['*'],
    ['https://*.example.com'],
    ['https://lms.example.com/'],
    ['https://lms.example.com/course'],
    ['lms.example.com'],
    ['ftp://lms.example.com'],
    ['HTTPS://LMS.example.com'],
    ["https://lms.example.com 'unsafe-inline'"],
    ['https://ok.example.com,https://a.example.com;script-src *'],
  ])('refuses %j with one line naming the variable', (value) => {
    expect(() => loadConfig({ EMBED_ALLOWED_ORIGINS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ EMBED_ALLOWED_ORIGINS: value })).toThrow(/^EMBED_ALLOWED_ORIGINS: ".*" is not an exact origin/);
  });
});
