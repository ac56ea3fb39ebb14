/**
 * A small Y4M clip for Chromium's fake camera (`--use-file-for-fake-video-capture`).
 *
 * Why: Chromium's built-in fake camera gives 1280×720 @ 20 fps, and every page then encodes
 * three simulcast layers (720p + 360p + 180p). Four such pages plus their decoders saturate a
 * 2-core CI machine: media stalls for tens of seconds and the call test times out for reasons
 * that are the test machine's, not the product's. A 640×360 @ 15 fps clip needs about a
 * quarter of the encoding work; the client code path (getUserMedia → simulcast producer →
 * SFU → consumers) is unchanged.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const WIDTH = 640;
const HEIGHT = 360;
const FPS = 15;
/** 2 s, looped by Chromium; ~10 MB of raw I420. */
const FRAMES = 30;

/**
 * Path of the clip, written once per machine (it is deterministic). `grain`: noise over the
 * gradient (like a camera sensor's), which costs bits, so the simulcast layers need about what a
 * real camera's do — for tests about bandwidth (the plain gradient costs so few bits that even
 * its top layer fits a thin link).
 */
export function fakeCameraClip(opts: { grain?: boolean } = {}): string {
  const dir = path.join(tmpdir(), 'minimeet-e2e');
  const texture = opts.grain ? '-grain' : '';
  const file = path.join(dir, `camera-${WIDTH}x${HEIGHT}-${FPS}fps-${FRAMES}${texture}.y4m`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F${FPS}:1 Ip A1:1 C420jpeg\n`)];
  const chromaSize = (WIDTH / 2) * (HEIGHT / 2);
  let seed = 0x2545f491;
  const random = () => {
    // xorshift32: the same noise on every machine
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed & 0xff;
  };
  for (let f = 0; f < FRAMES; f++) {
    // A diagonal gradient that moves every frame, so encoders and decoders do real work and
    // "frames decoded" advances in the tests.
    const luma = Buffer.alloc(WIDTH * HEIGHT);
    for (let y = 0; y < HEIGHT; y++)
      for (let x = 0; x < WIDTH; x++)
        luma[y * WIDTH + x] = ((x + y + f * 8) & 0xff) ^ (opts.grain ? random() & 0x3f : 0);
    const u = Buffer.alloc(chromaSize, (96 + f * 4) & 0xff);
    const v = Buffer.alloc(chromaSize, (160 - f * 2) & 0xff);
    parts.push(Buffer.from('FRAME\n'), luma, u, v);
  }
  // Write under a temporary name, then rename: parallel test processes may race to create it.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, Buffer.concat(parts));
  renameSync(partial, file);
  return file;
}
