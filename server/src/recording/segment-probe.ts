import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';

const PROBE_TIMEOUT_MS = 60_000;

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: PROBE_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

/**
 * A segment's media duration in ms and its size; duration null when the file holds nothing
 * playable. A file whose writer was killed has no duration in its header: then it is the last
 * packet's end minus the first packet's start.
 */
export async function probeSegment(ffprobe: string, file: string): Promise<{ durationMs: number | null; sizeBytes: number }> {
  const sizeBytes = await stat(file).then((s) => s.size, () => 0);
  if (sizeBytes === 0) return { durationMs: null, sizeBytes };
  try {
    const format = await run(ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
    const seconds = Number.parseFloat(format.trim());
    if (Number.isFinite(seconds) && seconds > 0) return { durationMs: Math.round(seconds * 1000), sizeBytes };
    const packets = await run(ffprobe, [
      '-v', 'error', '-select_streams', '0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file,
    ]);
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (const line of packets.split('\n')) {
      const [pts, duration] = line.split(',').map(Number.parseFloat);
      if (pts === undefined || !Number.isFinite(pts)) continue;
      first = Math.min(first, pts);
      last = Math.max(last, pts + (duration !== undefined && Number.isFinite(duration) ? duration : 0));
    }
    return { durationMs: Number.isFinite(first) && last > first ? Math.round((last - first) * 1000) : null, sizeBytes };
  } catch {
    return { durationMs: null, sizeBytes };
  }
}
