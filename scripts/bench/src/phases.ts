/**
 * The three benchmark phases. Every server is started fresh for each measurement (no leftovers
 * from a previous run), MiniMeet and the baseline one after the other with the same load.
 */
import { poolRuns, runLoad, type LoadResult } from './bot-load.js';
import { runChat, type ChatResult, type ChatSpec } from './chat-load.js';
import { countMessages, createScratchDatabase, MARIADB_HOST } from './mariadb.js';
import type { Pinning } from './pinning.js';
import { startServer, type BenchServer, type ServerKind, type StartServerOptions } from './servers.js';

export const KINDS: ServerKind[] = ['baseline', 'minimeet'];

export interface BenchPlan {
  quick: boolean;
  workers: number;
  statsIntervalMs: number;
  /** Runs per server, interleaved (baseline, MiniMeet, baseline, …) and pooled. */
  /**
   * rampPerSec: bots started per second. join→first-RTP counts only streams whose producer existed
   * when the receiver joined; with 2 peers a room, the second must join after the first sends.
   */
  overhead: { rooms: number; peers: number; durationSec: number; repeats: number; rampPerSec: number };
  /** Rooms per step: one more room at a time, then two (keeps the run within ~15 minutes). */
  capacity: { peers: number; stepSec: number; roomSteps: number[]; maxSecondsPerServer: number };
  chat: Omit<ChatSpec, 'namePrefix'> & { rateLimit: { messages: number; windowMs: number } };
}

export function benchPlan(quick: boolean): BenchPlan {
  const rateLimit = { messages: 30, windowMs: 10_000 };
  return {
    quick,
    workers: 2,
    statsIntervalMs: 1000,
    overhead: quick
      ? { rooms: 1, peers: 2, durationSec: 4, repeats: 1, rampPerSec: 1 }
      : { rooms: 3, peers: 4, durationSec: 30, repeats: 2, rampPerSec: 5 },
    capacity: quick
      ? { peers: 2, stepSec: 4, roomSteps: [1], maxSecondsPerServer: 60 }
      : {
          peers: 4,
          stepSec: 15,
          roomSteps: [1, 2, 3, 4, 6, 8, 10, 12, 14, 16, 20, 24],
          maxSecondsPerServer: 330,
        },
    chat: {
      rooms: quick ? 1 : 20,
      usersPerRoom: quick ? 2 : 6,
      // 80 % of MiniMeet's per-user limit (it is passed to the server explicitly below).
      perUserPerSec: (0.8 * rateLimit.messages * 1000) / rateLimit.windowMs,
      durationSec: quick ? 3 : 30,
      rateLimit,
    },
  };
}

type Log = (line: string) => void;

async function withServer<T>(o: StartServerOptions, work: (s: BenchServer) => Promise<T>): Promise<T> {
  const server = await startServer(o);
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

function serverOptions(plan: BenchPlan, pinning: Pinning, kind: ServerKind): StartServerOptions {
  return { kind, cpus: pinning.serverCpus, workers: plan.workers, statsIntervalMs: plan.statsIntervalMs };
}

export async function overheadPhase(
  plan: BenchPlan,
  pinning: Pinning,
  log: Log,
): Promise<Record<ServerKind, LoadResult>> {
  const runs: Record<ServerKind, LoadResult[]> = { baseline: [], minimeet: [] };
  const { rooms, peers, durationSec, repeats, rampPerSec } = plan.overhead;
  for (let rep = 1; rep <= repeats; rep++) {
    for (const kind of KINDS) {
      log(`overhead ${rep}/${repeats}: ${kind}, ${rooms} rooms × ${peers} peers, ${durationSec} s steady`);
      runs[kind].push(
        await withServer(serverOptions(plan, pinning, kind), async (server) => {
          const { result } = await runLoad(server, {
            rooms,
            peers,
            durationSec,
            rampPerSec,
            namePrefix: 'ovh',
          });
          return result;
        }),
      );
    }
  }
  return { baseline: poolRuns(runs.baseline), minimeet: poolRuns(runs.minimeet) };
}

export interface CapacityStep extends LoadResult {
  passed: boolean;
  stopReason: string | null;
}

export interface CapacityResult {
  steps: CapacityStep[];
  /** The last step that held (loss ≤ 1 %, join p95 < 2 × first step, every stream flowing). */
  best: CapacityStep | null;
  stopReason: string;
}

export async function capacityPhase(
  plan: BenchPlan,
  pinning: Pinning,
  log: Log,
): Promise<Record<ServerKind, CapacityResult>> {
  const out = {} as Record<ServerKind, CapacityResult>;
  for (const kind of KINDS) {
    const steps: CapacityStep[] = [];
    const started = Date.now();
    let stopReason = `held every step (up to ${plan.capacity.roomSteps.at(-1)} rooms)`;
    for (const rooms of plan.capacity.roomSteps) {
      if ((Date.now() - started) / 1000 > plan.capacity.maxSecondsPerServer) {
        stopReason = `time cap (${plan.capacity.maxSecondsPerServer} s per server)`;
        break;
      }
      log(`capacity: ${kind}, ${rooms} room(s) × ${plan.capacity.peers} peers, ${plan.capacity.stepSec} s`);
      const result = await withServer(serverOptions(plan, pinning, kind), async (server) => {
        const { result: r } = await runLoad(server, {
          rooms,
          peers: plan.capacity.peers,
          durationSec: plan.capacity.stepSec,
          namePrefix: `cap${rooms}`,
        });
        return r;
      });
      const firstP95 = steps[0]?.joinToFirstRtpMs.p95 ?? null;
      const p95 = result.joinToFirstRtpMs.p95;
      let reason: string | null = null;
      if (result.lossPercent > 1) reason = `loss ${result.lossPercent.toFixed(2)} % > 1 %`;
      else if (result.receivedStreams < result.expectedStreams)
        reason = `${result.expectedStreams - result.receivedStreams} of ${result.expectedStreams} streams never arrived`;
      else if (firstP95 !== null && p95 !== null && p95 >= 2 * firstP95)
        reason = `join→first-RTP p95 ${p95} ms ≥ 2 × first step (${firstP95} ms)`;
      steps.push({ ...result, passed: reason === null, stopReason: reason });
      if (reason) {
        stopReason = reason;
        break;
      }
    }
    out[kind] = { steps, best: steps.filter((s) => s.passed).at(-1) ?? null, stopReason };
  }
  return out;
}

export interface ChatPhaseResult {
  minimeet: (ChatResult & { database: 'mariadb'; persisted: number; persistedPerSec: number }) | null;
  baseline: ChatResult;
  skipped: string | null;
}

export async function chatPhase(plan: BenchPlan, pinning: Pinning, log: Log): Promise<ChatPhaseResult> {
  const { rateLimit, ...spec } = plan.chat;
  log(
    `chat: baseline (broadcast only), ${spec.rooms} rooms × ${spec.usersPerRoom} users × ${spec.perUserPerSec}/s`,
  );
  const baseline = await withServer(serverOptions(plan, pinning, 'baseline'), (server) =>
    runChat(server, { ...spec, namePrefix: 'chat' }),
  );
  let db;
  try {
    db = await createScratchDatabase();
  } catch (err) {
    const skipped = `MariaDB at ${MARIADB_HOST} not usable (${err instanceof Error ? err.message : String(err)})`;
    log(`chat: MiniMeet skipped: ${skipped}`);
    return { minimeet: null, baseline, skipped };
  }
  try {
    log(`chat: MiniMeet on MariaDB (database ${db.name})`);
    const options: StartServerOptions = {
      ...serverOptions(plan, pinning, 'minimeet'),
      databaseUrl: db.url,
      env: { CHAT_RATE_LIMIT: String(rateLimit.messages), CHAT_RATE_WINDOW_MS: String(rateLimit.windowMs) },
    };
    const minimeet = await withServer(options, async (server) => {
      const result = await runChat(server, { ...spec, namePrefix: 'chat' });
      const persisted = await countMessages(db);
      return {
        ...result,
        database: 'mariadb' as const,
        persisted,
        persistedPerSec: persisted / result.sendSeconds,
      };
    });
    return { minimeet, baseline, skipped: null };
  } finally {
    await db.drop().catch(() => undefined);
  }
}
