import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.schema.js';

describe('STORAGE_URL and attachment limits', () => {
  it('default to a storage directory in the data directory, 25 MB files, 500 MB per user', () => {
    const config = loadConfig({ DATABASE_URL: 'sqlite:/var/lib/minimeet/db.sqlite' });
    expect(config.storage).toEqual({ type: 'file', dir: path.resolve('/var/lib/minimeet/storage') });
    expect(config.attachments).toEqual({
      maxBytes: 26_214_400,
      quotaBytes: 524_288_000,
      uploadsPerMinute: 20,
    });
    expect(config.ffmpegPath).toBe('ffmpeg');
    expect(loadConfig({ DATA_DIR: '/srv/mm' }).storage).toEqual({
      type: 'file',
      dir: path.resolve('/srv/mm/storage'),
    });
  });

  it('take a file: directory (relative to the working directory, like the SQLite file) or an s3:// bucket', () => {
    expect(loadConfig({ STORAGE_URL: 'file:./files' }).storage).toEqual({
      type: 'file',
      dir: path.resolve('files'),
    });
    expect(loadConfig({ STORAGE_URL: 'file:///abs/dir' }).storage).toEqual({ type: 'file', dir: '/abs/dir' });
    expect(
      loadConfig({
        STORAGE_URL:
          's3://meet-files/prod?endpoint=http%3A%2F%2Fminio%3A9000&region=eu-west-1&forcePathStyle=true',
      }).storage,
    ).toEqual({
      type: 's3',
      bucket: 'meet-files',
      prefix: 'prod/',
      endpoint: 'http://minio:9000',
      region: 'eu-west-1',
      forcePathStyle: true,
    });
    expect(loadConfig({ STORAGE_URL: 's3://bucket' }).storage).toMatchObject({
      bucket: 'bucket',
      prefix: '',
      endpoint: undefined,
      forcePathStyle: false,
    });
  });

  it('refuse what they cannot use with one line naming the variable', () => {
    for (const [env, text] of [
      [{ STORAGE_URL: 'ftp://x' }, 'STORAGE_URL: unsupported value'],
      [{ STORAGE_URL: 'file:' }, 'STORAGE_URL: file URL needs a directory'],
      [{ STORAGE_URL: 's3://b?endpoint=minio:9000' }, 'STORAGE_URL: endpoint must be an http(s) URL'],
      [{ ATTACHMENT_MAX_BYTES: '0' }, 'ATTACHMENT_MAX_BYTES must be between'],
      [{ ATTACHMENT_MAX_BYTES: '4294967296' }, 'ATTACHMENT_MAX_BYTES must be between'],
      [{ ATTACHMENT_UPLOADS_PER_MINUTE: 'many' }, 'ATTACHMENT_UPLOADS_PER_MINUTE must be a number'],
    ] as const) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(text);
    }
  });
});
