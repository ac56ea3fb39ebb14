import { runProcess, type RunOptions } from './run-process.js';

/** ffprobe gets this long per file (it reads headers, not the whole file). */
const PROBE_TIMEOUT_MS = 30_000;

export type MediaStreamType = 'audio' | 'video';

export interface ProbedStream {
  index: number;
  type: MediaStreamType;
  codec: string;
  /** Video only. */
  width: number | null;
  height: number | null;
  /** Audio only. */
  sampleRate: number | null;
  channels: number | null;
  durationMs: number | null;
}

export interface MediaProbe {
  /** e.g. 'matroska,webm', 'mov,mp4,m4a,3gp,3g2,mj2', 'ogg'. */
  formatName: string;
  /** Of the container; null when the file does not say (e.g. a live capture cut short). */
  durationMs: number | null;
  sizeBytes: number;
  streams: ProbedStream[];
}

/** The shape of `ffprobe -print_format json -show_format -show_streams` this module reads. */
interface FfprobeJson {
  format?: { format_name?: string; duration?: string; size?: string };
  streams?: Array<{
    index: number;
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    sample_rate?: string;
    channels?: number;
    duration?: string;
    tags?: Record<string, string>;
  }>;
}

const seconds = (value: string | undefined): number | null => {
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) ? Math.round(n * 1000) : null;
};

/** Matroska/WebM keep a stream's duration in a tag like `DURATION: 00:00:05.021000000`. */
const tagDuration = (tags: Record<string, string> | undefined): number | null => {
  const text = tags?.DURATION ?? tags?.duration;
  const m = text ? /^(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(text) : null;
  return m ? Math.round((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000) : null;
};

/** Streams, duration and size of a media file, from ffprobe's JSON. Rejects (MediaToolError) when unreadable. */
export async function probeMedia(file: string, ffprobePath = 'ffprobe', options: RunOptions = {}): Promise<MediaProbe> {
  const { stdout } = await runProcess(
    ffprobePath,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
    { timeoutMs: PROBE_TIMEOUT_MS, ...options },
  );
  const json = JSON.parse(stdout) as FfprobeJson;
  const streams: ProbedStream[] = [];
  for (const s of json.streams ?? []) {
    if (s.codec_type !== 'audio' && s.codec_type !== 'video') continue;
    streams.push({
      index: s.index,
      type: s.codec_type,
      codec: s.codec_name ?? 'unknown',
      width: s.width ?? null,
      height: s.height ?? null,
      sampleRate: s.sample_rate ? Number(s.sample_rate) : null,
      channels: s.channels ?? null,
      durationMs: seconds(s.duration) ?? tagDuration(s.tags),
    });
  }
  return {
    formatName: json.format?.format_name ?? 'unknown',
    durationMs: seconds(json.format?.duration),
    sizeBytes: Number(json.format?.size ?? 0),
    streams,
  };
}

/** ffprobe next to a given ffmpeg (FFMPEG_PATH=/opt/ffmpeg/bin/ffmpeg → /opt/ffmpeg/bin/ffprobe). */
export function ffprobeBeside(ffmpegPath: string): string {
  return ffmpegPath.replace(/ffmpeg(\.exe)?$/, 'ffprobe$1');
}
