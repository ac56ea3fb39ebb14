import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegCompositeBuilder, type FfmpegCompositeResult } from '../src/recording/composite/ffmpeg-composite-builder.js';
import { compositeLayout } from '../src/recording/composite/layout.js';
import { MediaToolError } from '../src/recording/composite/run-process.js';
import type { ManifestTrack, RecordingManifest } from '../src/recording/recording-manifest.js';
import { freezes, frozenThroughout, HEARD_DB, meanVolumeDb, streamCounts } from './helpers/media-checks.js';

/*
 * The composite of a recording, built by ffmpeg from track files like the capture writes them
 * (WebM VP8 / Opus, Matroska H.264, Ogg Opus), which the test makes with ffmpeg itself.
 */

const run = (args: string[]) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ${code}: ${err}`))));
  });

/** A camera track file: moving test picture, VP8 in WebM (or H.264 in Matroska). */
const camera = (file: string, seconds: number, size: string, h264 = false) =>
  run([
    ...['-f', 'lavfi', '-i', `testsrc2=s=${size}:r=15:d=${seconds}`],
    ...(h264 ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'matroska'] : ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k']),
    file,
  ]);
/** A microphone track file: a tone in Opus (WebM or Ogg). */
const microphone = (file: string, seconds: number, freq: number) =>
  run(['-f', 'lavfi', '-i', `sine=f=${freq}:d=${seconds}:sample_rate=48000`, '-c:a', 'libopus', '-b:a', '32k', file]);

const ALICE = 1;
const BOB = 2;
const CAROL = 3;
const DURATION_MS = 12_000;

const track = (id: string, userId: number, username: string, kind: ManifestTrack['kind'], mimeType: string, segments: Array<[string, number, number]>): ManifestTrack => ({
  id,
  userId,
  username,
  kind,
  mimeType,
  segments: segments.map(([file, startMs, durationMs]) => ({ file, startMs, durationMs, sizeBytes: 0 })),
});

/*
 * Alice: camera all along, microphone 0–2 s then muted until 5 s (two segments).
 * Bob: H.264 camera, no microphone, shares his screen 3–9 s.
 * Carol: joins late, at 5 s (camera and microphone in Ogg).
 * So nobody is heard between 2 and 5 s.
 */
const manifest = (tracks: ManifestTrack[], durationMs = DURATION_MS): RecordingManifest => ({
  recordingId: 7,
  roomId: 3,
  startedAt: new Date().toISOString(),
  durationMs,
  tracks,
  speakers: [
    { atMs: 0, userId: ALICE },
    { atMs: 2000, userId: null },
    { atMs: 5000, userId: CAROL },
    { atMs: 8000, userId: ALICE },
  ],
});

const callTracks = (): ManifestTrack[] => [
  track('a-video', ALICE, 'Alice', 'video', 'video/VP8', [['tracks/alice-video-0.webm', 0, 12_000]]),
  track('a-audio', ALICE, 'Alice', 'audio', 'audio/opus', [
    ['tracks/alice-audio-0.webm', 0, 2000],
    ['tracks/alice-audio-1.webm', 5000, 7000],
  ]),
  track('b-video', BOB, 'Bob', 'video', 'video/H264', [['tracks/bob-video-0.mkv', 0, 12_000]]),
  track('b-screen', BOB, 'Bob', 'screen', 'video/VP8', [['tracks/bob-screen-0.webm', 3000, 6000]]),
  track('c-video', CAROL, 'Carol', 'video', 'video/VP8', [['tracks/carol-video-0.webm', 5000, 7000]]),
  track('c-audio', CAROL, 'Carol', 'audio', 'audio/opus', [['tracks/carol-audio-0.ogg', 5000, 7000]]),
];

describe('recording composite (ffmpeg)', () => {
  let dir: string;
  let builder: FfmpegCompositeBuilder;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'composite-test-'));
    await mkdir(join(dir, 'tracks'));
    const t = (name: string) => join(dir, 'tracks', name);
    await Promise.all([
      camera(t('alice-video-0.webm'), 12, '320x240'),
      camera(t('bob-video-0.mkv'), 12, '320x180', true),
      microphone(t('alice-audio-0.webm'), 2, 440),
      microphone(t('alice-audio-1.webm'), 7, 440),
    ]);
    await Promise.all([
      camera(t('bob-screen-0.webm'), 6, '640x360'),
      camera(t('carol-video-0.webm'), 7, '240x320'),
      microphone(t('carol-audio-0.ogg'), 7, 660),
    ]);
    builder = new FfmpegCompositeBuilder();
  }, 180_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('a call with a late joiner, a muted microphone and a screen share', () => {
    let result: FfmpegCompositeResult;
    let out: string;

    beforeAll(async () => {
      out = join(dir, 'composite.mp4');
      result = await builder.build(manifest(callTracks()), dir, out);
    }, 300_000);

    it('is one file with one video and one audio stream lasting the recording', async () => {
      expect(result).toMatchObject({ file: out, contentType: 'video/mp4', skipped: [] });
      expect(Math.abs(result.durationMs - DURATION_MS)).toBeLessThanOrEqual(500);
      const counts = await streamCounts(out);
      expect(counts).toMatchObject({ audio: 1, video: 1 });
      expect(Math.abs((counts.durationMs ?? 0) - DURATION_MS)).toBeLessThanOrEqual(500);
      expect(result.sizeBytes).toBeGreaterThan(10_000);
      // Nothing left behind next to it.
      expect((await readdir(dir)).filter((f) => f.startsWith('composite'))).toEqual(['composite.mp4']);
    });

    it('is heard where someone spoke and silent where everyone was muted', async () => {
      expect(await meanVolumeDb(out, 0.3, 1.4)).toBeGreaterThan(HEARD_DB);
      expect(await meanVolumeDb(out, 2.4, 2.2)).toBeLessThan(-80);
      expect(await meanVolumeDb(out, 5.5, 6)).toBeGreaterThan(HEARD_DB);
    });

    it('moves, and the late joiner appears from the moment she joined', async () => {
      const whole = await freezes(out);
      expect(frozenThroughout(whole, 0, DURATION_MS / 1000 - 0.5)).toBe(false);
      // Cells in order of first appearance: Alice, Bob, Carol; the screen is shared, so they sit in the strip.
      const layout = compositeLayout(3, true);
      const carolCell = layout.cells[2]!;
      const inner = { x: carolCell.x + 10, y: carolCell.y + 10, w: carolCell.w - 20, h: carolCell.h - 40 };
      const carol = await freezes(out, { region: inner });
      expect(frozenThroughout(carol, 0.2, 4.8)).toBe(true);
      expect(frozenThroughout(carol, 5.5, 11)).toBe(false);
      expect(carol.some((f) => f.startS < 11 && f.endS > 6)).toBe(false);
      // The screen area shows the share only while it lasts (3–9 s).
      const screen = await freezes(out, { region: { x: 100, y: 100, w: 600, h: 400 } });
      expect(frozenThroughout(screen, 0.2, 2.8)).toBe(true);
      expect(screen.some((f) => f.startS < 8.5 && f.endS > 3.5)).toBe(false);
      expect(frozenThroughout(screen, 9.3, 11.8)).toBe(true);
    });
  });

  it('leaves out a missing or corrupt segment with the reason and still makes the composite', async () => {
    await writeFile(join(dir, 'tracks', 'broken.webm'), Buffer.from('this is not a webm file at all'.repeat(50)));
    const tracks = [
      ...callTracks().filter((t) => t.kind !== 'screen'),
      track('d-video', 4, 'Dave', 'video', 'video/VP8', [['tracks/broken.webm', 1000, 3000]]),
      track('d-audio', 4, 'Dave', 'audio', 'audio/opus', [['tracks/gone.webm', 1000, 3000]]),
      track('e-audio', 5, 'Eve', 'audio', 'audio/opus', [['../../etc/passwd', 0, 1000]]),
    ];
    const out = join(dir, 'partial.mp4');
    const result = await builder.build(manifest(tracks, 8000), dir, out);
    expect(result.skipped).toEqual([
      { trackId: 'd-video', file: 'tracks/broken.webm', reason: expect.stringMatching(/^unreadable/) },
      { trackId: 'd-audio', file: 'tracks/gone.webm', reason: 'file missing' },
      { trackId: 'e-audio', file: '../../etc/passwd', reason: 'path outside the recording directory' },
    ]);
    const counts = await streamCounts(out);
    expect(counts).toMatchObject({ audio: 1, video: 1 });
    expect(Math.abs((counts.durationMs ?? 0) - 8000)).toBeLessThanOrEqual(500);
  }, 300_000);

  it('makes a silent, placeholder-only composite of a recording with no usable track', async () => {
    const out = join(dir, 'empty.mp4');
    const result = await builder.build(manifest([], 3000), dir, out);
    const counts = await streamCounts(out);
    expect(counts).toMatchObject({ audio: 1, video: 1 });
    expect(Math.abs(result.durationMs - 3000)).toBeLessThanOrEqual(500);
    expect(await meanVolumeDb(out, 0, 3)).toBeLessThan(-80);
  }, 120_000);

  it('stops ffmpeg when aborted and leaves no file behind', async () => {
    const controller = new AbortController();
    let pid = 0;
    const slow = new FfmpegCompositeBuilder({
      onEncoderStart: (p) => {
        pid = p;
        setTimeout(() => controller.abort(), 500);
      },
    });
    const out = join(dir, 'aborted.mp4');
    // Ten minutes of call: far from done after half a second.
    const error = await slow.build(manifest(callTracks(), 600_000), dir, out, controller.signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaToolError);
    expect((error as MediaToolError).code).toBe('MEDIA_TOOL_ABORTED');
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(); // gone, and reaped
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.part`)).toBe(false);
  }, 120_000);

  it('refuses a manifest without duration', async () => {
    await expect(builder.build(manifest([], 0), dir, join(dir, 'none.mp4'))).rejects.toThrow(/no duration/);
  });
});
