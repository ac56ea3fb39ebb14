/** Command-line options of `npm run bench` (see cli.ts). */
import path from 'node:path';
import { REPO_ROOT } from '@minimeet/test-harness';

export const PHASES = [
  'overhead',
  'capacity',
  'chat',
  'cluster',
  'network',
  'soak',
  'light-bots',
  'large-room',
  'recording',
] as const;
export type Phase = (typeof PHASES)[number];
/**
 * Without --phases: the server comparisons (cluster takes minutes more; network needs root and
 * test hosts; soak runs for half an hour: ask for them).
 */
export const DEFAULT_PHASES: Phase[] = ['overhead', 'capacity', 'chat'];

export interface SoakOptions {
  /** How long the soak load runs (default 30). */
  minutes: number;
  /** Seconds between samples (default 10; 5 for runs under 10 minutes). */
  sampleSec: number;
}

export interface BenchArgs {
  quick: boolean;
  outDir: string;
  phases: Phase[];
  soak: SoakOptions;
  /** Receiver counts of the large-room phase (default: its plan's). */
  largeRoomSizes?: number[];
  /** How long the recording phase records its call (default 60, 10 with --quick). */
  recordingSeconds?: number;
}

export const USAGE =
  'usage: npm run bench -- [--quick] [--out DIR] [--phases overhead,capacity,chat,cluster,network,soak,light-bots,large-room,recording]\n' +
  '                        [--soak-minutes N (default 30)] [--soak-sample-sec S (default 10, 5 under 10 min)]\n' +
  '                        [--large-room-sizes 25,50,100,200 (receivers per size, 1 to 500)]\n' +
  '                        [--recording-seconds N (recording phase, default 60, 10 with --quick)]';

/** A positive number (fractions allowed) within [min, max]. */
function numberOption(name: string, raw: string | undefined, min: number, max: number): number {
  const v = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(v) || v < min || v > max)
    throw new Error(`${name} takes a number from ${min} to ${max} (got "${raw ?? ''}")`);
  return v;
}

export function parseArgs(argv: string[], now = new Date()): BenchArgs {
  let quick = false;
  let outDir = path.join(REPO_ROOT, 'bench-results', `bench-${now.toISOString().replace(/[:.]/g, '-')}`);
  let phases: Phase[] = [...DEFAULT_PHASES];
  let minutes: number | undefined;
  let sampleSec: number | undefined;
  let largeRoomSizes: number[] | undefined;
  let recordingSeconds: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--out') {
      const v = argv[++i];
      if (!v) throw new Error('--out needs a directory');
      outDir = path.resolve(v);
    } else if (a === '--phases') {
      const v = argv[++i] ?? '';
      const list = v.split(',').filter(Boolean);
      const bad = list.filter((p) => !(PHASES as readonly string[]).includes(p));
      if (!list.length || bad.length)
        throw new Error(`--phases takes a list of ${PHASES.join(', ')} (got "${v}")`);
      phases = list as Phase[];
    } else if (a === '--soak-minutes') minutes = numberOption(a, argv[++i], 0.5, 24 * 60);
    else if (a === '--soak-sample-sec') sampleSec = numberOption(a, argv[++i], 1, 600);
    else if (a === '--large-room-sizes') {
      const v = argv[++i] ?? '';
      largeRoomSizes = v.split(',').map((x) => numberOption(a, x, 1, 500));
      if (largeRoomSizes.some((n) => !Number.isInteger(n)))
        throw new Error(`--large-room-sizes takes whole receiver counts (got "${v}")`);
    } else if (a === '--recording-seconds') recordingSeconds = numberOption(a, argv[++i], 5, 3600);
    else if (a === '--help' || a === '-h') throw new UsageRequested();
    else throw new Error(`unknown option ${a} (try --help)`);
  }
  if ((minutes !== undefined || sampleSec !== undefined) && !phases.includes('soak'))
    throw new Error('--soak-minutes and --soak-sample-sec apply to the soak phase: add --phases soak');
  if (largeRoomSizes && !phases.includes('large-room'))
    throw new Error('--large-room-sizes applies to the large-room phase: add --phases large-room');
  if (recordingSeconds !== undefined && !phases.includes('recording'))
    throw new Error('--recording-seconds applies to the recording phase: add --phases recording');
  const soakMinutes = minutes ?? 30;
  const soak = { minutes: soakMinutes, sampleSec: sampleSec ?? (soakMinutes < 10 ? 5 : 10) };
  if (soak.sampleSec * 10 > soak.minutes * 60)
    throw new Error(
      `--soak-sample-sec ${soak.sampleSec} leaves fewer than 10 samples in ${soak.minutes} min: sample more often or run longer`,
    );
  return {
    quick,
    outDir,
    phases,
    soak,
    ...(largeRoomSizes ? { largeRoomSizes } : {}),
    ...(recordingSeconds !== undefined ? { recordingSeconds } : {}),
  };
}

/** Thrown by parseArgs for --help: the caller prints USAGE and exits 0. */
export class UsageRequested extends Error {
  constructor() {
    super(USAGE);
  }
}
