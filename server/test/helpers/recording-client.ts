import { execFile } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RecordingDto, RecordingStatus } from '@minimeet/shared';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import { http, sleep } from './chat-client.js';

/**
 * A Node WebRTC peer of a recorded call: sends its microphone and camera (unless `media` says
 * otherwise), consumes nothing, does not reconnect. `name` registers a new user under it.
 */
export function recordedPeer(
  url: string,
  roomId: number,
  login: { token: string } | { name: string },
  media: { audio?: boolean; video?: boolean } = {},
): MiniMeetPeer {
  const who =
    'token' in login
      ? { token: login.token }
      : { username: `${login.name}_${process.pid % 10000}_${Math.random().toString(36).slice(2, 6)}`, password: 'correct horse battery' };
  return new MiniMeetPeer({ url, roomId, reconnection: false, consume: false, ...media, ...who });
}

/**
 * Polls GET /api/recordings/:id until the recording reaches `state`; throws once it is 'failed'
 * unless `failedMayChange` (a recording failed with its node is finished when the node is back).
 */
export async function waitForRecording(
  url: string,
  token: string,
  id: number,
  state: RecordingStatus,
  timeoutMs = 60_000,
  failedMayChange = false,
): Promise<RecordingDto> {
  const deadline = Date.now() + timeoutMs;
  let last: RecordingDto | undefined;
  while (Date.now() < deadline) {
    const res = await http<RecordingDto>(url, 'GET', `/recordings/${id}`, { token });
    if (res.status === 200) {
      last = res.body;
      if (last.state === state) return last;
      if (last.state === 'failed' && !failedMayChange) throw new Error(`recording ${id} failed: ${last.error}`);
    }
    await sleep(250);
  }
  throw new Error(`recording ${id} not ${state} in time (last: ${JSON.stringify(last)})`);
}

export interface RecordingDownload {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

/** GET /api/recordings/:id/download with the query (e.g. `?track=u1-mic`). */
export async function downloadRecording(url: string, token: string, id: number, query = ''): Promise<RecordingDownload> {
  const res = await fetch(`${url}/api/recordings/${id}/download${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

export interface Probed {
  streams: Array<{ codec_type: string; codec_name: string }>;
  durationMs: number;
}

/** ffprobe of bytes written to `file`: its streams and duration. */
export async function probeBytes(file: string, bytes: Buffer): Promise<Probed> {
  await writeFile(file, bytes);
  const out = await new Promise<string>((resolve, reject) =>
    execFile('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name:format=duration', '-of', 'json', file], (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    ),
  );
  const parsed = JSON.parse(out) as { streams: Probed['streams']; format: { duration?: string } };
  return { streams: parsed.streams, durationMs: Math.round(Number(parsed.format.duration ?? 'NaN') * 1000) };
}

/**
 * Pids of the capture processes the server process `serverPid` runs for a track of a recording
 * (its child ffmpeg whose output file is `<recordingId>/tracks/<trackId>-N.*`).
 */
export async function capturePids(serverPid: number, recordingId: number, trackId: string): Promise<number[]> {
  const out: number[] = [];
  const marker = `${path.sep}${recordingId}${path.sep}tracks${path.sep}${trackId}-`;
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== serverPid) continue;
      const cmdline = (await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0');
      if (cmdline.some((arg) => arg.includes(marker))) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Waits until the node whose DATA_DIR is `dataDir` has written media of segment `segment` of a
 * track (`<dataDir>/recordings/<id>/tracks/<trackId>-<segment>.*` past its header): what happens
 * to the track next (a mute, say) is then known to fall after the start of that segment.
 */
export async function waitForSegmentWritten(
  dataDir: string,
  recordingId: number,
  trackId: string,
  segment: number,
  timeoutMs = 15_000,
): Promise<void> {
  const dir = path.join(dataDir, 'recordings', String(recordingId), 'tracks');
  const deadline = Date.now() + timeoutMs;
  let size = 0;
  while (Date.now() < deadline) {
    const names = await readdir(dir).catch(() => [] as string[]);
    const name = names.find((n) => n.startsWith(`${trackId}-${segment}.`));
    size = name ? await stat(path.join(dir, name)).then((s) => s.size, () => 0) : 0;
    // Header and a few hundred ms of Opus or a keyframe: well past 2 kB.
    if (size > 2048) return;
    await sleep(100);
  }
  throw new Error(`segment ${segment} of ${trackId} in recording ${recordingId} not written in time (${size} bytes; files: ${(await readdir(dir).catch(() => [])).join(', ')})`);
}
