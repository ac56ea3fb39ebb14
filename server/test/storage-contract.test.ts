/**
 * Issue 21 item 1: the ObjectStorage contract, the same suite on both backends — a directory on
 * disk and an S3-compatible server (s3rver, started here on a free port with its own temp dir).
 * Objects round-trip as streams; a put over its limit, or whose source fails, leaves nothing
 * visible; delete by prefix removes exactly that prefix.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStorage } from '../src/storage/file-storage.js';
import { StorageLimitError, type ObjectStorage } from '../src/storage/object-storage.js';
import { S3Storage } from '../src/storage/s3-storage.js';
import { S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from './helpers/s3-server.js';

const MB = 1024 * 1024;

/** `total` bytes of a repeatable pattern, produced in 64 KiB chunks (never one big buffer). */
function patternStream(total: number, failAfter?: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && sent >= failAfter) {
        this.destroy(new Error('source failed'));
        return;
      }
      if (sent >= total) return void this.push(null);
      const n = Math.min(64 * 1024, total - sent);
      const chunk = Buffer.alloc(n);
      for (let i = 0; i < n; i++) chunk[i] = (sent + i) % 251;
      sent += n;
      this.push(chunk);
    },
  });
}

async function digest(stream: Readable): Promise<{ bytes: number; sha: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha: hash.digest('hex') };
}

interface Backend {
  storage: ObjectStorage;
  /** Leftovers of failed puts a backend could leak (temp files), for the "nothing left" checks. */
  leftovers(): Promise<string[]>;
  stop(): Promise<void>;
}

const BACKENDS: Record<string, () => Promise<Backend>> = {
  disk: async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'minimeet-storage-'));
    return {
      storage: new FileStorage(dir),
      leftovers: async () => readdir(path.join(dir, '.tmp')).catch(() => []),
      stop: () => rm(dir, { recursive: true, force: true }),
    };
  },
  s3: async () => {
    Object.assign(process.env, S3RVER_CREDENTIALS);
    const s3: LocalS3 = await startLocalS3();
    const storage = new S3Storage({
      bucket: s3.bucket,
      prefix: 'tenant/',
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
    });
    return {
      storage,
      leftovers: async () => [],
      async stop() {
        storage.close();
        await s3.stop();
      },
    };
  },
};

describe.each(Object.keys(BACKENDS))('object storage contract (%s)', (name) => {
  let backend: Backend;
  let storage: ObjectStorage;
  beforeAll(async () => {
    backend = await BACKENDS[name]!();
    storage = backend.storage;
  });
  afterAll(() => backend?.stop());

  it('a put round-trips as a stream: same bytes, size and type; stat agrees', async () => {
    const info = await storage.put(
      'a/room-1/small',
      Readable.from([Buffer.from('hello '), Buffer.from('world')]),
      {
        maxBytes: 100,
        contentType: 'text/plain',
      },
    );
    expect(info).toEqual({ size: 11, contentType: 'text/plain' });
    const got = await storage.get('a/room-1/small');
    expect(got).toMatchObject({ size: 11, contentType: 'text/plain' });
    const chunks: Buffer[] = [];
    for await (const c of got!.body as AsyncIterable<Buffer>) chunks.push(c);
    expect(Buffer.concat(chunks).toString()).toBe('hello world');
    expect(await storage.stat('a/room-1/small')).toEqual({ size: 11, contentType: 'text/plain' });
  });

  it('a 12 MB object (several S3 parts) streams in and out intact', async () => {
    const size = 12 * MB;
    const expected = await digest(patternStream(size));
    await storage.put('a/big', patternStream(size), { maxBytes: size });
    const got = await storage.get('a/big');
    expect(got?.size).toBe(size);
    expect(await digest(got!.body)).toEqual(expected);
  });

  it('a missing key: get and stat answer null, delete is no error', async () => {
    expect(await storage.get('a/none')).toBeNull();
    expect(await storage.stat('a/none')).toBeNull();
    await expect(storage.delete('a/none')).resolves.toBeUndefined();
  });

  it('a put past its limit fails with StorageLimitError and leaves nothing visible (also past 5 MB, mid multipart)', async () => {
    for (const [size, limit] of [
      [2000, 1000],
      [11 * MB, 7 * MB],
    ] as const) {
      const key = `a/over-${size}`;
      await expect(storage.put(key, patternStream(size), { maxBytes: limit })).rejects.toBeInstanceOf(
        StorageLimitError,
      );
      expect(await storage.stat(key)).toBeNull();
      expect(await storage.get(key)).toBeNull();
    }
    expect(await backend.leftovers()).toEqual([]);
  });

  it('a put whose source fails midway leaves nothing visible, and the previous object stays', async () => {
    await storage.put('a/kept', Readable.from([Buffer.from('old')]), { maxBytes: 10 });
    await expect(storage.put('a/kept', patternStream(8 * MB, 6 * MB), { maxBytes: 10 * MB })).rejects.toThrow(
      'source failed',
    );
    expect(await storage.stat('a/kept')).toMatchObject({ size: 3 });
    await expect(
      storage.put('a/broken', patternStream(MB, 100_000), { maxBytes: 10 * MB }),
    ).rejects.toThrow();
    expect(await storage.stat('a/broken')).toBeNull();
    expect(await backend.leftovers()).toEqual([]);
  });

  it('delete and delete by prefix remove exactly what they name', async () => {
    const put = (key: string) => storage.put(key, Readable.from([Buffer.from(key)]), { maxBytes: 100 });
    for (const key of ['p/room-1/x', 'p/room-1/y/z', 'p/room-10/x', 'p/room-2/x']) await put(key);
    await storage.delete('p/room-2/x');
    expect(await storage.stat('p/room-2/x')).toBeNull();
    await storage.deleteByPrefix('p/room-1/');
    expect(await storage.stat('p/room-1/x')).toBeNull();
    expect(await storage.stat('p/room-1/y/z')).toBeNull();
    expect(await storage.stat('p/room-10/x')).toMatchObject({ size: 'p/room-10/x'.length });
  });

  it('refuses keys that could escape their prefix', async () => {
    for (const key of ['../x', 'a/../../x', '/abs', 'a//b'])
      await expect(storage.put(key, Readable.from([Buffer.from('x')]), { maxBytes: 10 })).rejects.toThrow(
        'unsafe',
      );
  });
});
