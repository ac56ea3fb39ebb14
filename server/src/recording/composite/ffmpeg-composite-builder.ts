import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { setPriority, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Logger } from '../../logging/logger.js';
import type { CompositeBuilder, CompositeResult } from '../composite-builder.js';
import type { ManifestSegment, ManifestTrack, RecordingManifest } from '../recording-manifest.js';
import { AUDIO_OUT, buildFilterGraph, VIDEO_OUT, type GraphCell, type GraphSegment } from './filter-graph.js';
import { compositeLayout, MAX_VIDEO_CELLS } from './layout.js';
import { ffprobeBeside, probeMedia, type MediaStreamType } from './media-probe.js';
import { MediaToolError, runProcess } from './run-process.js';

/** Fonts tried for the names (Debian fonts-dejavu-core); none found: no names drawn. */
const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
];

export interface FfmpegCompositeOptions {
  ffmpegPath?: string;
  /** Default: ffprobe beside ffmpegPath. */
  ffprobePath?: string;
  /** 15–25; default 20. */
  fps?: number;
  /** Default: the first font of FONT_CANDIDATES that exists; null: no names. */
  fontFile?: string | null;
  /** The encoder runs at this nice level (default 10) so live calls on the node keep their CPU. */
  niceness?: number;
  /** Called with the ffmpeg pid while it runs (the benchmark samples its CPU). */
  onEncoderStart?: (pid: number) => void;
  logger?: Logger;
}

/** A segment left out of the composite, and why. */
export interface SkippedSegment {
  trackId: string;
  file: string;
  reason: string;
}

export interface FfmpegCompositeResult extends CompositeResult {
  skipped: SkippedSegment[];
  /** Participants with video beyond MAX_VIDEO_CELLS: heard, not shown. */
  hiddenUserIds: number[];
}

/** H.264 + AAC in MP4 with the index up front: plays in every browser while still downloading. */
const CONTENT_TYPE = 'video/mp4';
const ENCODE_ARGS = [
  ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p', '-profile:v', 'high'],
  ...['-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2'],
  ...['-movflags', '+faststart', '-f', 'mp4'],
];

interface UsableSegment extends GraphSegment {
  track: ManifestTrack;
  /** Absolute path. */
  file: string;
}

interface CameraUser {
  userId: number;
  username: string;
  firstMs: number;
  segments: UsableSegment[];
}

/** Participants with camera video, in order of first appearance (one cell each). */
function cameraUsers(usable: UsableSegment[]): CameraUser[] {
  const byUser = new Map<number, CameraUser>();
  for (const seg of usable) {
    if (seg.track.kind !== 'video') continue;
    const user = byUser.get(seg.track.userId) ?? {
      userId: seg.track.userId,
      username: seg.track.username,
      firstMs: seg.startMs,
      segments: [],
    };
    user.firstMs = Math.min(user.firstMs, seg.startMs);
    user.segments.push(seg);
    byUser.set(user.userId, user);
  }
  return [...byUser.values()].sort((a, b) => a.firstMs - b.firstMs || a.userId - b.userId);
}

export class FfmpegCompositeBuilder implements CompositeBuilder {
  private readonly ffmpegPath: string;
  private readonly ffprobePath: string;
  private readonly fps: number;
  private readonly fontFile: string | null;

  constructor(private readonly options: FfmpegCompositeOptions = {}) {
    this.ffmpegPath = options.ffmpegPath ?? 'ffmpeg';
    this.ffprobePath = options.ffprobePath ?? ffprobeBeside(this.ffmpegPath);
    this.fps = Math.min(25, Math.max(15, options.fps ?? 20));
    this.fontFile =
      options.fontFile !== undefined ? options.fontFile : (FONT_CANDIDATES.find((f) => existsSync(f)) ?? null);
  }

  async build(
    manifest: RecordingManifest,
    recordingDir: string,
    outFile: string,
    signal?: AbortSignal,
  ): Promise<FfmpegCompositeResult> {
    if (!(manifest.durationMs > 0)) throw new Error(`recording ${manifest.recordingId} has no duration`);
    const skipped: SkippedSegment[] = [];
    const usable: UsableSegment[] = [];
    for (const track of manifest.tracks) {
      for (const segment of track.segments) {
        const reason =
          segment.startMs >= manifest.durationMs
            ? 'starts after the recording ended'
            : await this.check(track, segment, recordingDir, signal);
        if (typeof reason === 'string') skipped.push({ trackId: track.id, file: segment.file, reason });
        else {
          const file = resolve(recordingDir, segment.file);
          usable.push({ track, file, input: usable.length, startMs: Math.max(0, segment.startMs), ...reason });
        }
      }
    }
    for (const s of skipped) this.options.logger?.warn({ recordingId: manifest.recordingId, ...s }, 'segment left out of the composite');

    const work = await mkdtemp(join(tmpdir(), 'minimeet-composite-'));
    const partial = `${outFile}.part`;
    try {
      const cameras = cameraUsers(usable);
      const shown = cameras.slice(0, MAX_VIDEO_CELLS);
      const cells: GraphCell[] = [];
      for (const [i, user] of shown.entries()) {
        const nameFile = this.fontFile ? join(work, `name-${i}.txt`) : null;
        if (nameFile) await writeFile(nameFile, user.username);
        cells.push({ userId: user.userId, nameFile, segments: user.segments });
      }
      const screenSegments = usable.filter((s) => s.track.kind === 'screen');
      const graph = buildFilterGraph({
        durationMs: manifest.durationMs,
        fps: this.fps,
        layout: compositeLayout(cells.length, screenSegments.length > 0),
        cells,
        screenSegments,
        audioSegments: usable.filter((s) => s.track.kind === 'audio'),
        speakers: manifest.speakers,
        fontFile: this.fontFile,
      });
      const script = join(work, 'graph.txt');
      await writeFile(script, graph);
      const args = [
        ...['-hide_banner', '-nostdin', '-loglevel', 'warning', '-y'],
        // The graph is never rebuilt when a camera changes resolution mid-segment: scale copes.
        ...usable.flatMap((s) => [...(s.track.kind === 'audio' ? [] : ['-reinit_filter', '0']), '-i', s.file]),
        ...['-filter_complex_script', script, '-map', `[${VIDEO_OUT}]`, '-map', `[${AUDIO_OUT}]`],
        ...['-r', String(this.fps), '-g', String(this.fps * 2), ...ENCODE_ARGS],
        ...['-t', (manifest.durationMs / 1000).toFixed(3), partial],
      ];
      await runProcess(this.ffmpegPath, args, {
        signal,
        // Generous: 10 minutes plus 5× the call on a loaded 2-core node.
        timeoutMs: 600_000 + manifest.durationMs * 5,
        onSpawn: (pid) => {
          try {
            setPriority(pid, this.options.niceness ?? 10);
          } catch {
            // The process may already be gone; its result says what happened.
          }
          this.options.onEncoderStart?.(pid);
        },
      });
      await rename(partial, outFile);
      const probe = await probeMedia(outFile, this.ffprobePath, { signal });
      const { size } = await stat(outFile);
      return {
        file: outFile,
        contentType: CONTENT_TYPE,
        durationMs: probe.durationMs ?? manifest.durationMs,
        sizeBytes: size,
        skipped,
        hiddenUserIds: cameras.slice(MAX_VIDEO_CELLS).map((u) => u.userId),
      };
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** The segment's picture size (video) or {} (audio) when usable; otherwise why not. */
  private async check(
    track: ManifestTrack,
    segment: ManifestSegment,
    recordingDir: string,
    signal?: AbortSignal,
  ): Promise<{ width?: number; height?: number } | string> {
    const file = resolve(recordingDir, segment.file);
    const rel = relative(resolve(recordingDir), file);
    if (rel.startsWith('..') || rel === '') return 'path outside the recording directory';
    if (!existsSync(file)) return 'file missing';
    const wanted: MediaStreamType = track.kind === 'audio' ? 'audio' : 'video';
    try {
      const probe = await probeMedia(file, this.ffprobePath, { signal });
      const stream = probe.streams.find((s) => s.type === wanted);
      if (!stream) return `no ${wanted} stream`;
      return wanted === 'video' ? { width: stream.width ?? undefined, height: stream.height ?? undefined } : {};
    } catch (err) {
      if (err instanceof MediaToolError && err.code === 'MEDIA_TOOL_ABORTED') throw err;
      return `unreadable: ${(err as Error).message.slice(0, 300)}`;
    }
  }
}
