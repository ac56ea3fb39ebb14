/**
 * One bot load against one server: runs the bot library (scripts/bots) while LoadSampler records
 * CPU and stats, then reduces the bot report and the samples to the figures the bench compares.
 */
import { runBots, type BotReport } from '../../bots/src/run-bots.js';
import { percentiles } from './stats.js';
import { LoadSampler, type WindowFigures } from './sampler.js';
import type { BenchServer } from './servers.js';

export interface LoadSpec {
  rooms: number;
  peers: number;
  durationSec: number;
  /** Bots started per second (the bot library's default when unset). */
  rampPerSec?: number;
  /** Distinguishes users and rooms of different runs on one server. */
  namePrefix: string;
}

export interface LoadResult {
  server: BenchServer['kind'];
  spec: LoadSpec;
  botsJoined: number;
  bots: number;
  expectedStreams: number;
  receivedStreams: number;
  lossPercent: number;
  joinAckMs: { p50: number | null; p95: number | null };
  /**
   * joinRoom sent → first RTP packet, for every stream whose producer already existed when the
   * receiver joined: what a person joining a call waits for before seeing/hearing the others.
   */
  joinToFirstRtpMs: { p50: number | null; p95: number | null; p99: number | null; count: number };
  /** The bot library's figure: producer announced (join answer or newProducer) → first RTP. */
  firstRtpMs: { p50: number | null; p95: number | null };
  window: WindowFigures;
  /** Server process + workers CPU per forwarded stream, in ms of CPU per second (‰ of a core). */
  serverCpuMsPerSecPerStream: number | null;
  /** Worker CPU per forwarded stream, same unit. */
  workerCpuMsPerSecPerStream: number | null;
  errors: number;
  sampleNotes: string[];
  /** How many bot runs this result pools (the overhead phase repeats, interleaved). */
  runs: number;
  samples: { joinAckMs: number[]; joinToFirstRtpMs: number[]; firstRtpMs: number[] };
}

/** Seconds after the last bot joined before the window opens (late consumers settle). */
const SETTLE_SEC = 2;

export async function runLoad(
  server: BenchServer,
  spec: LoadSpec,
  signal?: AbortSignal,
): Promise<{ result: LoadResult; report: BotReport }> {
  const sampler = new LoadSampler(server);
  sampler.start();
  let report: BotReport;
  try {
    report = await runBots({
      url: server.url,
      rooms: spec.rooms,
      peers: spec.peers,
      durationSec: spec.durationSec + SETTLE_SEC,
      namePrefix: spec.namePrefix,
      ...(spec.rampPerSec ? { rampPerSec: spec.rampPerSec } : {}),
      // The baseline has no password hashing: with logins interleaved with joins, MiniMeet's
      // join figures would measure bcrypt on the server core, not the media path.
      loginFirst: true,
      processes: 1,
      progress: false,
      ...(signal ? { signal } : {}),
    });
  } finally {
    sampler.stop();
  }
  const startedAt = Date.parse(report.startedAt);
  const from = startedAt + (report.steadyFromSec + SETTLE_SEC) * 1000;
  const to = startedAt + report.steadyToSec * 1000;
  const window = sampler.window(from, to);

  const botByName = new Map(report.bots.map((b) => [b.username, b]));
  const joinToFirstRtp: number[] = [];
  for (const s of report.streams) {
    const bot = botByName.get(s.receiver);
    // Known at join: the bot library measures it from the join ack (firstRtpMs equals firstRtpSinceJoinMs).
    if (!bot || bot.joinAckMs === null || s.firstRtpMs === null || s.firstRtpMs !== s.firstRtpSinceJoinMs)
      continue;
    joinToFirstRtp.push(bot.joinAckMs + s.firstRtpSinceJoinMs);
  }
  const streams = report.summary.receivedStreams;
  const perStream = (cores: number) => (streams > 0 ? (cores * 1000) / streams : null);
  const sum = report.summary;
  const result: LoadResult = {
    server: server.kind,
    spec,
    bots: sum.bots,
    botsJoined: sum.botsJoined,
    expectedStreams: sum.expectedStreams,
    receivedStreams: sum.receivedStreams,
    lossPercent: sum.lossPercent,
    joinAckMs: { p50: sum.joinMs.p50, p95: sum.joinMs.p95 },
    joinToFirstRtpMs: percentiles(joinToFirstRtp),
    firstRtpMs: { p50: sum.firstRtpMs.p50, p95: sum.firstRtpMs.p95 },
    window,
    serverCpuMsPerSecPerStream: perStream(window.serverCores + window.workerCores),
    workerCpuMsPerSecPerStream: perStream(window.workerCores),
    errors: sum.errors,
    sampleNotes: sampler.notes,
    runs: 1,
    samples: {
      joinAckMs: report.samples.joinMs,
      joinToFirstRtpMs: joinToFirstRtp,
      firstRtpMs: report.samples.firstRtpMs,
    },
  };
  return { result, report };
}

/** Pools repeated runs of one load: latencies over all samples, CPU time-weighted, packets summed. */
export function poolRuns(runs: LoadResult[]): LoadResult {
  if (runs.length === 1) return runs[0]!;
  const first = runs[0]!;
  const total = (f: (r: LoadResult) => number) => runs.reduce((a, r) => a + f(r), 0);
  const seconds = total((r) => r.window.seconds);
  const weighted = (f: (w: WindowFigures) => number) =>
    total((r) => f(r.window) * r.window.seconds) / seconds;
  const nullableTotal = (f: (w: WindowFigures) => number | null) =>
    runs.every((r) => f(r.window) !== null) ? total((r) => f(r.window)!) : null;
  const cpuMs = nullableTotal((w) => w.workerCpuMsFromUsage);
  const packets = nullableTotal((w) => w.consumerPackets);
  const others = runs.map((r) => r.window.otherCoresOnServerCpus);
  const samples = {
    joinAckMs: runs.flatMap((r) => r.samples.joinAckMs),
    joinToFirstRtpMs: runs.flatMap((r) => r.samples.joinToFirstRtpMs),
    firstRtpMs: runs.flatMap((r) => r.samples.firstRtpMs),
  };
  const mean = (f: (r: LoadResult) => number | null) =>
    runs.every((r) => f(r) !== null) ? total((r) => f(r)!) / runs.length : null;
  const joinAck = percentiles(samples.joinAckMs);
  const firstRtp = percentiles(samples.firstRtpMs);
  return {
    server: first.server,
    spec: first.spec,
    bots: total((r) => r.bots),
    botsJoined: total((r) => r.botsJoined),
    expectedStreams: total((r) => r.expectedStreams),
    receivedStreams: total((r) => r.receivedStreams),
    lossPercent: Math.max(...runs.map((r) => r.lossPercent)),
    joinAckMs: { p50: joinAck.p50, p95: joinAck.p95 },
    joinToFirstRtpMs: percentiles(samples.joinToFirstRtpMs),
    firstRtpMs: { p50: firstRtp.p50, p95: firstRtp.p95 },
    window: {
      seconds,
      serverCores: weighted((w) => w.serverCores),
      workerCores: weighted((w) => w.workerCores),
      botCores: weighted((w) => w.botCores),
      otherCoresOnServerCpus: others.every((o) => o !== null)
        ? total((r) => r.window.otherCoresOnServerCpus! * r.window.seconds) / seconds
        : null,
      snapshotSeconds: nullableTotal((w) => w.snapshotSeconds),
      workerCpuMsFromUsage: cpuMs,
      consumerPackets: packets,
      consumersHeld: runs.every((r) => r.window.consumersHeld !== null)
        ? Math.min(...runs.map((r) => r.window.consumersHeld!))
        : null,
      workerUsPerPacket: cpuMs !== null && packets ? (cpuMs * 1000) / packets : null,
    },
    serverCpuMsPerSecPerStream: mean((r) => r.serverCpuMsPerSecPerStream),
    workerCpuMsPerSecPerStream: mean((r) => r.workerCpuMsPerSecPerStream),
    errors: total((r) => r.errors),
    sampleNotes: [...new Set(runs.flatMap((r) => r.sampleNotes))],
    runs: runs.length,
    samples,
  };
}
