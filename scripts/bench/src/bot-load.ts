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
  };
  return { result, report };
}
