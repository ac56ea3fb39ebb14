import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertSafeKey,
  ByteLimit,
  type ObjectInfo,
  type ObjectStorage,
  type PutOptions,
  type StoredObject,
} from './object-storage.js';

/** Temporary files of puts in progress live here (same filesystem, so the final rename is atomic). */
const TMP_DIR = '.tmp';
/** The content type sits next to the object, in `<key>.meta` (JSON). */
const META_SUFFIX = '.meta';

/**
 * Objects as files under one directory (`file:` STORAGE_URL). A put writes a temporary file and
 * renames it into place once complete, so a reader never sees a partial object.
 */
export class FileStorage implements ObjectStorage {
  constructor(private readonly root: string) {}

  async put(key: string, body: Readable, options: PutOptions): Promise<ObjectInfo> {
    const final = this.pathOf(key);
    const tmpDir = path.join(this.root, TMP_DIR);
    await fs.mkdir(tmpDir, { recursive: true });
    await fs.mkdir(path.dirname(final), { recursive: true });
    const tmp = path.join(tmpDir, randomUUID());
    const limit = new ByteLimit(options.maxBytes);
    const contentType = options.contentType ?? 'application/octet-stream';
    try {
      await pipeline(body, limit, createWriteStream(tmp, { mode: 0o600 }));
      await fs.writeFile(`${final}${META_SUFFIX}`, JSON.stringify({ contentType }), { mode: 0o600 });
      await fs.rename(tmp, final);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    return { size: limit.bytes, contentType };
  }

  async get(key: string): Promise<StoredObject | null> {
    const info = await this.stat(key);
    if (!info) return null;
    return { ...info, body: createReadStream(this.pathOf(key)) };
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    const file = this.pathOf(key);
    try {
      const st = await fs.stat(file);
      if (!st.isFile()) return null;
      return { size: st.size, contentType: await this.contentTypeOf(file) };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    await fs.rm(file, { force: true });
    await fs.rm(`${file}${META_SUFFIX}`, { force: true });
  }

  async deleteByPrefix(prefix: string): Promise<void> {
    const trimmed = prefix.replace(/\/+$/, '');
    assertSafeKey(trimmed);
    // A prefix ending in '/' is a directory; otherwise the matching entries of its parent.
    if (prefix.endsWith('/')) {
      await fs.rm(path.join(this.root, trimmed), { recursive: true, force: true });
      return;
    }
    const dir = path.dirname(path.join(this.root, trimmed));
    const start = path.basename(trimmed);
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    for (const name of names.filter((n) => n.startsWith(start)))
      await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }

  private pathOf(key: string): string {
    assertSafeKey(key);
    if (key.split('/')[0] === TMP_DIR || key.endsWith(META_SUFFIX))
      throw new Error(`reserved storage key: ${key}`);
    return path.join(this.root, key);
  }

  private async contentTypeOf(file: string): Promise<string> {
    try {
      const meta = JSON.parse(await fs.readFile(`${file}${META_SUFFIX}`, 'utf8')) as {
        contentType?: unknown;
      };
      return typeof meta.contentType === 'string' ? meta.contentType : 'application/octet-stream';
    } catch {
      return 'application/octet-stream';
    }
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}
