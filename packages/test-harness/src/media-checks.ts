import { execFile, spawn } from 'node:child_process';

/*
 * What a test can say about a media file a user would play (a recording's download): its
 * duration, whether its audio is heard over a window, whether (part of) its picture moves.
 * ffmpeg/ffprobe from the system (Debian's).
 */

/** Runs ffmpeg and resolves with its stderr (where the analysis filters report). */
function ffmpegStderr(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(err) : reject(new Error(`ffmpeg exited ${code}: ${err.slice(-2000)}`)),
    );
  });
}

/** The file's duration in seconds (ffprobe's format duration; 0 when it has none). */
export function mediaDurationS(file: string): Promise<number> {
  return new Promise((resolve, reject) =>
    execFile(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file],
      (err, stdout) => (err ? reject(err) : resolve(Number(stdout.trim()) || 0)),
    ),
  );
}

/** Mean volume (dBFS, ffmpeg volumedetect) of the audio between `fromS` and `fromS + seconds`; -Infinity for digital silence. */
export async function meanVolumeDb(file: string, fromS: number, seconds: number): Promise<number> {
  const err = await ffmpegStderr([
    '-ss',
    String(fromS),
    '-t',
    String(seconds),
    '-i',
    file,
    '-vn',
    '-af',
    'volumedetect',
    '-f',
    'null',
    '-',
  ]);
  const m = /mean_volume:\s*(-?[\d.]+|-inf) dB/.exec(err);
  if (!m) return -Infinity; // no samples at all in the window
  return m[1] === '-inf' ? -Infinity : Number(m[1]);
}

/** Audio above this mean level counts as heard (speech is around −30 to −15 dBFS; silence ≤ −90). */
export const HEARD_DB = -50;

export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A time range (seconds) over which the picture (or `region` of it) did not change. */
export interface Freeze {
  startS: number;
  endS: number;
}

/**
 * Where the picture stood still for at least `minSeconds` (ffmpeg freezedetect), optionally
 * only within `region` of the frame. A freeze lasting to the end has endS = the file's end.
 */
export async function freezes(
  file: string,
  opts: { region?: Region; minSeconds?: number } = {},
): Promise<Freeze[]> {
  const { region, minSeconds = 1 } = opts;
  const crop = region ? `crop=${region.w}:${region.h}:${region.x}:${region.y},` : '';
  const err = await ffmpegStderr([
    '-i',
    file,
    '-an',
    '-vf',
    `${crop}freezedetect=n=0.001:d=${minSeconds}`,
    '-f',
    'null',
    '-',
  ]);
  const starts = [...err.matchAll(/freeze_start: ([\d.]+)/g)].map((m) => Number(m[1]));
  const ends = [...err.matchAll(/freeze_end: ([\d.]+)/g)].map((m) => Number(m[1]));
  const endOfFile = await mediaDurationS(file);
  return starts.map((startS, i) => ({ startS, endS: ends[i] ?? endOfFile }));
}

/** True when the picture (or `region`) is frozen over the whole of [fromS, toS]. */
export function frozenThroughout(list: Freeze[], fromS: number, toS: number): boolean {
  return list.some((f) => f.startS <= fromS && f.endS >= toS);
}
