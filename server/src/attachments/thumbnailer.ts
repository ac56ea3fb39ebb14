import { Inject, Injectable } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { OBJECT_STORAGE, type ObjectStorage } from '../storage/object-storage.js';

/** Longest side of a thumbnail, pixels. */
const THUMB_SIZE = 320;
/** A thumbnail larger than this is not one: refused. */
const THUMB_MAX_BYTES = 2 * 1024 * 1024;
/** Larger pictures (about 8000 × 5000) get no thumbnail: decoding them would take too much memory. */
const MAX_SOURCE_PIXELS = 40_000_000;
/** ffmpeg processes at once on this node; more uploads wait their turn. */
const MAX_CONCURRENT = 2;
/** ffmpeg gets this long per image. */
const THUMB_TIMEOUT_MS = 15_000;

/**
 * JPEG thumbnails of stored images, made by ffmpeg (Debian package, installed by the project's
 * install step and the Dockerfile) reading from and writing to ObjectStorage as streams. Without
 * ffmpeg the server works on: no thumbnails, and one warning in the log.
 */
@Injectable()
export class Thumbnailer {
  private readonly log: Logger;
  private missing = false;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'thumbnailer' });
  }

  /** Writes the thumbnail of the image at `sourceKey` to `thumbKey`; false when none could be made. */
  async make(sourceKey: string, thumbKey: string): Promise<boolean> {
    if (this.missing) return false;
    // A finished run hands its slot straight to the next waiter (no newcomer slips in between).
    if (this.running >= MAX_CONCURRENT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await this.run(sourceKey, thumbKey);
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  private async run(sourceKey: string, thumbKey: string): Promise<boolean> {
    if (this.missing) return false;
    const source = await this.storage.get(sourceKey);
    if (!source) return false;
    const ffmpeg = spawn(
      this.config.ffmpegPath,
      [
        ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
        // A small file may declare a huge picture (a decompression bomb): no thumbnail then.
        ...['-max_pixels', String(MAX_SOURCE_PIXELS), '-i', 'pipe:0', '-frames:v', '1'],
        ...[
          '-vf',
          `scale='min(${THUMB_SIZE},iw)':'min(${THUMB_SIZE},ih)':force_original_aspect_ratio=decrease`,
        ],
        ...['-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '5', 'pipe:1'],
      ],
      { stdio: ['pipe', 'pipe', 'pipe'], timeout: THUMB_TIMEOUT_MS },
    );
    let stderr = '';
    ffmpeg.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 2000) stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve, reject) => {
      ffmpeg.on('error', reject);
      ffmpeg.on('close', resolve);
    });
    // ffmpeg may stop reading early (it has its frame): a broken stdin pipe is not a failure.
    ffmpeg.stdin.on('error', () => undefined);
    const feed = pipeline(source.body, ffmpeg.stdin).catch(() => undefined);
    const store = this.storage.put(thumbKey, ffmpeg.stdout, {
      maxBytes: THUMB_MAX_BYTES,
      contentType: 'image/jpeg',
    });
    try {
      const [code] = await Promise.all([exited, store, feed]);
      if (code === 0) return true;
      this.log.warn({ sourceKey, code, stderr: stderr.trim() }, 'thumbnail failed');
    } catch (err) {
      source.body.destroy();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.missing = true;
        this.log.warn({ ffmpeg: this.config.ffmpegPath }, 'ffmpeg not found: attachments get no thumbnails');
      } else {
        this.log.warn({ err, sourceKey, stderr: stderr.trim() }, 'thumbnail failed');
      }
      await store.catch(() => undefined);
    }
    await this.storage.delete(thumbKey).catch(() => undefined);
    return false;
  }
}
