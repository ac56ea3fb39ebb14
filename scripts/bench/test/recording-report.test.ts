import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/options.js';
import { recordingPlan, type RecordingRun } from '../src/recording/recording-phase.js';
import { recordingFigures, recordingTable } from '../src/recording/recording-report.js';

const window = (serverCores: number, workerCores: number, ffmpegCores = 0, ffmpegRssMb = 0) => ({
  seconds: 30,
  serverCores,
  workerCores,
  ffmpegCores,
  ffmpegRssMb,
  ffmpegMax: 8,
});

const run: RecordingRun = {
  setup: 'oneNode',
  skipped: null,
  botsJoined: 4,
  tracks: 8,
  baseline: window(0.02, 0.01),
  recorded: window(0.06, 0.03, 0.016, 400),
  compositeMs: 60_000,
  compositeCpuSec: 40,
  durationMs: 120_000,
  trackBytes: 12e6,
  compositeBytes: 20e6,
  state: 'ready',
  notes: [],
};

describe('recording bench figures', () => {
  it('charges the recorded call minus the unrecorded one to each track, and divides by minutes recorded', () => {
    const f = recordingFigures(run);
    expect(f.serverCpuPerTrack).toBeCloseTo(5, 5); // (0.06 − 0.02) cores × 1000 / 8
    expect(f.workerCpuPerTrack).toBeCloseTo(2.5, 5);
    expect(f.recorderCpuPerTrack).toBeCloseTo(2, 5);
    expect(f.recorderRssMbPerTrack).toBeCloseTo(50, 5);
    expect(f.compositeSecPerCallMinute).toBeCloseTo(30, 5);
    expect(f.compositeCpuSecPerCallMinute).toBeCloseTo(20, 5);
    expect(f.trackMbPerMinute).toBeCloseTo(6, 5);
    expect(f.compositeMbPerMinute).toBeCloseTo(10, 5);
  });

  it('gives no byte or composite figures for a recording that failed, and shows a skipped setup', () => {
    const f = recordingFigures({ ...run, state: 'failed', compositeMs: null, compositeCpuSec: null });
    expect(f).toMatchObject({ compositeSecPerCallMinute: null, trackMbPerMinute: null, compositeMbPerMinute: null });
    const text = recordingTable([run, { ...run, setup: 'twoNodes', skipped: 'Redis does not answer' }]);
    expect(text).toMatch(/oneNode\s+4\s+8/);
    expect(text).toMatch(/twoNodes\s+skipped: Redis does not answer/);
  });

  it('--recording-seconds sets the recorded time, only with the phase', () => {
    const args = parseArgs(['--phases', 'recording', '--recording-seconds', '20']);
    expect(recordingPlan(args.quick, args.recordingSeconds)).toMatchObject({ bots: 4, recordingSeconds: 20, baselineSeconds: 20 });
    expect(recordingPlan(false).recordingSeconds).toBe(60);
    expect(() => parseArgs(['--recording-seconds', '20'])).toThrow(/add --phases recording/);
    expect(() => parseArgs(['--phases', 'recording', '--recording-seconds', '2'])).toThrow(/--recording-seconds/);
  });
});
