import { createReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { OBJECT_STORAGE, type ObjectStorage } from '../storage/object-storage.js';
import { WebhookOutbox } from '../webhooks/webhook-outbox.service.js';
import type { CompositeBuilder } from './composite-builder.js';
import { COMPOSITE_BUILDER } from './composite-builder.token.js';
import { RecordingFiles } from './recording-files.js';
import type { RecordingManifest } from './recording-manifest.js';
import { Recording, recordingPrefix, type StoredTrack } from './recording.entity.js';
import { ffprobeBeside } from './composite/media-probe.js';
import { probeSegment } from './segment-probe.js';

const COMPOSITE_EXTENSIONS: Record<string, string> = {
  'video/mp4': '.mp4',
  'video/webm': '.webm',
  'video/x-matroska': '.mkv',
};

/** Nothing stored is capped here: the composite of a long call is large, and it is ours. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

export function contentTypeOf(file: string, kind: 'audio' | 'video' | 'screen'): string {
  if (file.endsWith('.mkv')) return 'video/x-matroska';
  return kind === 'audio' ? 'audio/webm' : 'video/webm';
}

/**
 * A stopped recording's files, from its manifest on this node's disk to storage: every segment
 * probed (ffprobe), the composite built, composite + segments + manifest uploaded under
 * `recordings/<id>/`, the row made 'ready' (recording.ready webhook) or 'failed' with why.
 */
@Injectable()
export class RecordingProcessor {
  readonly #log: Logger;
  readonly #ffprobe: string;
  readonly #running = new Set<Promise<void>>();
  /** Aborted when the node shuts down: a composite build can take minutes, longer than a drain. */
  readonly #shutdown = new AbortController();

  constructor(
    @InjectRepository(Recording) private readonly recordings: Repository<Recording>,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(COMPOSITE_BUILDER) private readonly builder: CompositeBuilder,
    @Inject(WebhookOutbox) private readonly webhooks: WebhookOutbox,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.#log = logger.child({ context: 'recording-processor' });
    this.#ffprobe = ffprobeBeside(config.ffmpegPath);
  }

  /** Runs in the background; failures end as state 'failed'. */
  enqueue(files: RecordingFiles, manifest: RecordingManifest): void {
    const run = this.process(files, manifest).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  /** Resolves when every processing started so far is over (shutdown, tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.#running]);
  }

  /**
   * Shutdown: composite builds stop now (ffmpeg killed). Their rows stay 'processing' and keep
   * their files on this node, which processes them again when it starts (RecordingsMaintenance).
   */
  stopAll(): void {
    this.#shutdown.abort();
  }

  async process(files: RecordingFiles, draft: RecordingManifest): Promise<void> {
    const id = draft.recordingId;
    const dir = files.dirOf(id);
    try {
      const manifest = await this.#probe(dir, draft);
      await files.writeManifest(manifest);
      const built = await this.builder.build(manifest, dir, path.join(dir, 'composite'), this.#shutdown.signal);
      // Named after what the builder made (its container is its choice).
      const compositeName = `composite${COMPOSITE_EXTENSIONS[built.contentType] ?? ''}`;
      const composite = { ...built, file: path.join(dir, compositeName) };
      await rename(built.file, composite.file);
      const prefix = recordingPrefix(id);
      await this.#upload(`${prefix}${compositeName}`, composite.file, composite.contentType);
      for (const track of manifest.tracks)
        for (const s of track.segments) await this.#upload(`${prefix}${s.file}`, path.join(dir, s.file), contentTypeOf(s.file, track.kind));
      await this.#upload(`${prefix}manifest.json`, path.join(dir, 'manifest.json'), 'application/json');
      const tracks: StoredTrack[] = manifest.tracks.map((t) => ({ ...t }));
      const updated = await this.recordings.update(
        { id, state: 'processing' },
        {
          state: 'ready',
          durationMs: manifest.durationMs,
          sizeBytes: composite.sizeBytes,
          compositeFile: compositeName,
          compositeType: composite.contentType,
          tracks,
          error: null,
        },
      );
      if (!updated.affected) {
        // Deleted (or the room was) while processing: what was uploaded goes too.
        await this.storage.deleteByPrefix(prefix);
      } else {
        await this.webhooks.record({
          type: 'recording.ready',
          roomId: manifest.roomId,
          recording: { id, durationMs: manifest.durationMs, sizeBytes: composite.sizeBytes, downloadPath: `/api/recordings/${id}/download` },
        });
        this.#log.info({ recordingId: id, sizeBytes: composite.sizeBytes, tracks: tracks.length }, 'recording ready');
      }
      await files.remove(id);
    } catch (err) {
      if (this.#shutdown.signal.aborted) {
        this.#log.info({ recordingId: id, dir }, 'recording processing stopped by shutdown; it resumes when this node starts again');
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.#log.error({ err, recordingId: id, dir }, 'recording processing failed (files kept on this node)');
      for (const name of ['composite', ...Object.values(COMPOSITE_EXTENSIONS).map((ext) => `composite${ext}`)])
        await rm(path.join(dir, name), { force: true }).catch(() => undefined);
      await this.recordings
        .update({ id, state: 'processing' }, { state: 'failed', error: message.slice(0, 250) })
        .catch((e: unknown) => this.#log.error({ err: e, recordingId: id }, 'could not mark the recording failed'));
    }
  }

  /** Durations and sizes from the files; segments with nothing playable are dropped. */
  async #probe(dir: string, draft: RecordingManifest): Promise<RecordingManifest> {
    const tracks = [];
    for (const track of draft.tracks) {
      const segments = [];
      for (const s of track.segments) {
        const probed = await probeSegment(this.#ffprobe, path.join(dir, s.file));
        if (probed.durationMs === null) continue;
        segments.push({ ...s, ...probed });
      }
      if (segments.length) tracks.push({ ...track, segments });
    }
    if (!tracks.length) throw new Error('nothing was recorded (no playable track)');
    // A capture cut short (its node died) knows its end from its files better than from its manifest.
    const lastEnd = Math.max(...tracks.flatMap((t) => t.segments.map((s) => s.startMs + (s.durationMs ?? 0))));
    return { ...draft, durationMs: Math.max(draft.durationMs, lastEnd), tracks };
  }

  async #upload(key: string, file: string, contentType: string): Promise<void> {
    await this.storage.put(key, createReadStream(file), { maxBytes: NO_LIMIT, contentType });
  }
}
