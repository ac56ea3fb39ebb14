/** The recording phase's table: per setup, CPU per recorded track against the same call unrecorded, composite time, bytes. */
import { table } from '../table.js';
import type { RecordingRun } from './recording-phase.js';

export interface RecordingFigures {
  setup: RecordingRun['setup'];
  tracks: number;
  /** (server + workers recorded − unrecorded) per track, ms of CPU per second (‰ of a core). */
  serverCpuPerTrack: number | null;
  workerCpuPerTrack: number | null;
  /** ffmpeg recorders, per track. */
  recorderCpuPerTrack: number | null;
  recorderRssMbPerTrack: number | null;
  /** stop → composite ready, per minute of call, s. */
  compositeSecPerCallMinute: number | null;
  compositeCpuSecPerCallMinute: number | null;
  trackMbPerMinute: number | null;
  compositeMbPerMinute: number | null;
}

export function recordingFigures(run: RecordingRun): RecordingFigures {
  const perTrack = (v: number | null) => (v !== null && run.tracks > 0 ? v / run.tracks : null);
  const minutes = run.durationMs / 60_000;
  const perMinute = (v: number | null) => (v !== null && minutes > 0 ? v / minutes : null);
  const b = run.baseline;
  const r = run.recorded;
  return {
    setup: run.setup,
    tracks: run.tracks,
    serverCpuPerTrack: b && r ? perTrack((r.serverCores - b.serverCores) * 1000) : null,
    workerCpuPerTrack: b && r ? perTrack((r.workerCores - b.workerCores) * 1000) : null,
    recorderCpuPerTrack: r ? perTrack(r.ffmpegCores * 1000) : null,
    recorderRssMbPerTrack: r ? perTrack(r.ffmpegRssMb) : null,
    compositeSecPerCallMinute: perMinute(run.compositeMs === null ? null : run.compositeMs / 1000),
    compositeCpuSecPerCallMinute: perMinute(run.compositeCpuSec),
    trackMbPerMinute: run.state === 'ready' ? perMinute(run.trackBytes / 1e6) : null,
    compositeMbPerMinute: run.state === 'ready' ? perMinute(run.compositeBytes / 1e6) : null,
  };
}

export function recordingTable(runs: RecordingRun[]): string {
  const rows = runs.map((run) => {
    if (run.skipped) return [run.setup, `skipped: ${run.skipped}`];
    const f = recordingFigures(run);
    return [
      run.setup,
      `${run.botsJoined}`,
      f.tracks,
      run.baseline ? (run.baseline.serverCores + run.baseline.workerCores) * 1000 : null,
      run.recorded ? (run.recorded.serverCores + run.recorded.workerCores) * 1000 : null,
      f.serverCpuPerTrack,
      f.workerCpuPerTrack,
      f.recorderCpuPerTrack,
      f.recorderRssMbPerTrack,
      f.compositeSecPerCallMinute,
      f.compositeCpuSecPerCallMinute,
      f.trackMbPerMinute,
      f.compositeMbPerMinute,
    ];
  });
  const notes = runs.flatMap((r) => r.notes.map((n) => `  ${r.setup}: ${n}`));
  return [
    table(
      'Recording: a call of bots, unrecorded then recorded (CPU in ms per s = ‰ of a core; per track = per recorded producer)',
      [
        'setup',
        'bots',
        'tracks',
        'srv+wrk unrec',
        'srv+wrk rec',
        'Δserver/track',
        'Δworker/track',
        'recorder/track',
        'rec MiB/track',
        'composite s/call-min',
        'composite CPU s/min',
        'tracks MB/min',
        'composite MB/min',
      ],
      rows,
    ),
    ...notes,
  ].join('\n');
}
