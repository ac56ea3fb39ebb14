/**
 * `--phases cluster`: one room, send-only bots on node A, receive-only bots on A and on B, run
 * three ways with fresh servers — one worker; two workers in one process (the room spills onto
 * both); two nodes (one worker each) sharing Redis and a scratch MariaDB database. Worker CPU and
 * consumer packets come from GET /api/admin/stats of each node at the steady window's edges, as
 * in the capacity phase; cluster-report.ts turns them into capacity and the piped/local ratio.
 */
import { randomBytes } from 'node:crypto';
import { logIn, type BotLogin, type BotPlan, type BotRole } from '../../bots/src/bot.js';
import type { GroupResult } from '../../bots/src/bot-group.js';
import { InProcessGroup } from '../../bots/src/group-handle.js';
import { mapLimit } from '../../bots/src/map-limit.js';
import { ensureRooms, loginOrRegister } from '../../bots/src/rest.js';
import type { ClusterSetupName, NodeFigures, SetupRun } from './cluster-report.js';
import {
  idleRates,
  poolSetupRuns,
  usPerPacketExclIdle,
  workerFigures,
  workersHomingPeers,
} from './cluster-report.js';
import { nodeEnv, sharedClusterEnv } from './cluster-env.js';
import { createScratchDatabase, MARIADB_HOST } from './mariadb.js';
import { BENCH_REDIS, deleteRedisKeys, redisAnswers } from './redis.js';
import type { Pinning } from './pinning.js';
import { LoadSampler } from './sampler.js';
import { startServer, type BenchServer, type StartServerOptions } from './servers.js';
import { percentiles } from './stats.js';

export interface ClusterPlan {
  /** Send-only bots (audio + video) on node A. */
  senders: number;
  /** Receive-only bots on each node (the one-node setups hold both groups on A). */
  receiversPerNode: number;
  durationSec: number;
  /** Each setup runs this many times, interleaved with the others, and the runs are pooled. */
  repeats: number;
  /** MEDIA_ROUTER_SPILL_LOAD of the two-worker setup: 1 homes the room's peers on both workers. */
  spillLoad: number;
  statsIntervalMs: number;
}

export function clusterPlan(quick: boolean): ClusterPlan {
  return quick
    ? { senders: 2, receiversPerNode: 2, durationSec: 5, repeats: 1, spillLoad: 1, statsIntervalMs: 1000 }
    : { senders: 4, receiversPerNode: 6, durationSec: 20, repeats: 2, spillLoad: 1, statsIntervalMs: 1000 };
}

/** Where the phase's nodes listen: fixed ranges so parallel runs on one machine can be kept apart. */
export const CLUSTER_PORTS = {
  A: { http: 33600, rtc: [45600, 45649], pipe: [45700, 45749] },
  B: { http: 33601, rtc: [45650, 45699], pipe: [45750, 45799] },
} as const;
export const CLUSTER_REDIS = BENCH_REDIS;

const PASSWORD = 'minimeet-bench-pw';
/** After the last bot joined, before the window opens (late consumers settle). */
const SETTLE_MS = 2000;
/** Shortest window before the first bot joins, to measure each worker's idle CPU rate. */
const IDLE_MIN_MS = 3000;
/** Longest wait for every bot to join or fail. */
const JOIN_TIMEOUT_MS = 90_000;

type Log = (line: string) => void;
type NodeName = 'A' | 'B';

export interface ClusterPhaseResult {
  /** Per setup, its runs pooled (what the tables show). */
  pooled: SetupRun[];
  /** Per repeat, the three setups as measured. */
  repeats: SetupRun[][];
}

export async function clusterPhase(
  plan: ClusterPlan,
  pinning: Pinning,
  log: Log,
): Promise<ClusterPhaseResult> {
  const repeats: SetupRun[][] = [];
  // Interleaved (1 worker, 2 workers, 2 nodes, 1 worker, …): a machine that gets busier
  // half-way weighs on every setup alike.
  for (let rep = 1; rep <= plan.repeats; rep++) {
    log(`cluster: repeat ${rep}/${plan.repeats}`);
    repeats.push([
      await oneProcess('oneWorker', 1, plan, pinning, log),
      await oneProcess('twoWorkers', 2, plan, pinning, log),
      await twoNodes(plan, pinning, log),
    ]);
  }
  const pooled = repeats[0]!.map((_, i) => poolSetupRuns(repeats.map((r) => r[i]!)));
  return { pooled, repeats };
}

function nodeOptions(
  node: NodeName,
  workers: number,
  plan: ClusterPlan,
  pinning: Pinning,
  env: Record<string, string>,
): StartServerOptions {
  const p = CLUSTER_PORTS[node];
  return {
    kind: 'minimeet',
    // Every node on the server CPU(s), away from the bots: µs per packet is CPU time, not
    // throughput, so nodes sharing a core change it only through contention (cache, switches).
    cpus: pinning.serverCpus,
    workers,
    statsIntervalMs: plan.statsIntervalMs,
    port: p.http,
    env: nodeEnv(p, `bench-${node.toLowerCase()}`, env),
  };
}

async function oneProcess(
  setup: ClusterSetupName,
  workers: number,
  plan: ClusterPlan,
  pinning: Pinning,
  log: Log,
): Promise<SetupRun> {
  log(
    `cluster: ${setup}: ${plan.senders} senders + ${2 * plan.receiversPerNode} receivers on one process, ${workers} worker(s), ${plan.durationSec} s`,
  );
  const server = await startServer(
    nodeOptions(
      'A',
      workers,
      plan,
      pinning,
      workers > 1 ? { MEDIA_ROUTER_SPILL_LOAD: String(plan.spillLoad) } : {},
    ),
  );
  try {
    return await runRoom(setup, workers, { A: server, B: server }, plan, log);
  } finally {
    await server.stop();
  }
}

async function twoNodes(plan: ClusterPlan, pinning: Pinning, log: Log): Promise<SetupRun> {
  const skip = (why: string): SetupRun => {
    log(`cluster: twoNodes skipped: ${why}`);
    return emptyRun('twoNodes', 2, why);
  };
  if (!(await redisAnswers()))
    return skip(`Redis at ${CLUSTER_REDIS.host}:${CLUSTER_REDIS.port} does not answer PING`);
  let db;
  try {
    db = await createScratchDatabase();
  } catch (err) {
    return skip(
      `MariaDB at ${MARIADB_HOST} not usable (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const { prefix, env: shared } = sharedClusterEnv();
  const started: BenchServer[] = [];
  try {
    log(`cluster: twoNodes: nodes A and B (1 worker each), MariaDB ${db.name}, Redis prefix ${prefix}`);
    // One after the other: the second finds the schema migrated and the admin created.
    for (const node of ['A', 'B'] as const)
      started.push(
        await startServer({ ...nodeOptions(node, 1, plan, pinning, shared), databaseUrl: db.url }),
      );
    log(
      `cluster: twoNodes: ${plan.senders} senders + ${plan.receiversPerNode} receivers on A, ${plan.receiversPerNode} receivers on B, ${plan.durationSec} s`,
    );
    const run = await runRoom('twoNodes', 2, { A: started[0]!, B: started[1]! }, plan, log);
    return run;
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    await db.drop().catch(() => undefined);
    const left = deleteRedisKeys(prefix);
    if (left) log(`cluster: ${left}`);
  }
}

function emptyRun(setup: ClusterSetupName, workerCount: number, skipped: string): SetupRun {
  return {
    setup,
    workerCount,
    workersUsed: null,
    runs: 1,
    skipped,
    nodes: [],
    bots: { total: 0, joined: 0 },
    streams: { expected: 0, received: 0 },
    lossPercent: 0,
    joinToFirstRtpP95Ms: null,
    errors: 0,
    notes: [],
  };
}

interface Cohort {
  node: NodeName;
  role: BotRole;
  usernames: string[];
}

/** Runs the room once: senders on A, receivers on A and B (B may be A itself), steady window, figures. */
async function runRoom(
  setup: ClusterSetupName,
  workerCount: number,
  nodes: Record<NodeName, BenchServer>,
  plan: ClusterPlan,
  log: Log,
): Promise<SetupRun> {
  const tag = `cl${randomBytes(3).toString('hex')}`;
  const names = (kind: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}_${kind}${i + 1}`);
  const cohorts: Cohort[] = [
    { node: 'A', role: 'send', usernames: names('s', plan.senders) },
    { node: 'A', role: 'receive', usernames: names('a', plan.receiversPerNode) },
    { node: 'B', role: 'receive', usernames: names('b', plan.receiversPerNode) },
  ];
  const distinct = [...new Set(Object.values(nodes))];
  const samplers = new Map(
    distinct.map((s) => [s, new LoadSampler(s, { serverPids: distinct.map((d) => d.pid) })]),
  );
  for (const s of samplers.values()) s.start();
  const stopSamplers = () => {
    for (const s of samplers.values()) s.stop();
  };
  const idleFrom = Date.now();
  let prepared: Awaited<ReturnType<typeof prepareRoom>>;
  try {
    prepared = await prepareRoom(nodes, cohorts, `${tag}-room`);
  } catch (err) {
    stopSamplers();
    throw err;
  }
  const { roomId, logins } = prepared;

  await sleep(IDLE_MIN_MS - (Date.now() - idleFrom));
  const idleTo = Date.now();
  // Senders first (their producers exist when receivers join), then receivers alternating A/B.
  const rampStart = Date.now() + 200;
  const order = [
    ...cohorts[0]!.usernames.map((_, i) => [0, i] as const),
    ...cohorts[1]!.usernames.flatMap((_, i) => [[1, i] as const, [2, i] as const]),
  ];
  const plans: BotPlan[][] = cohorts.map(() => []);
  order.forEach(([c, i], index) =>
    plans[c]!.push({
      index,
      username: cohorts[c]!.usernames[i]!,
      room: 1,
      roomId,
      startAt: rampStart + index * 200,
      login: logins[c]![i]!,
    }),
  );
  const groups = cohorts.map(
    (c, i) =>
      new InProcessGroup({
        url: nodes[c.node].url,
        password: PASSWORD,
        audioOnly: false,
        role: c.role,
        chatPerSec: 0,
        plans: plans[i]!,
      }),
  );
  let from = 0;
  let to = 0;
  let results: GroupResult[];
  try {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(groups.map((g) => g.settled)),
      new Promise((r) => (timer = setTimeout(r, JOIN_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    await sleep(SETTLE_MS);
    from = Date.now();
    await sleep(plan.durationSec * 1000);
    to = Date.now();
  } finally {
    results = await Promise.all(groups.map((g) => g.stop()));
    stopSamplers();
  }

  const receivers = results.slice(1);
  const streams = receivers.flatMap((r) => r.streams);
  const expectedPackets = streams.reduce((a, s) => a + s.expectedPackets, 0);
  const lost = streams.reduce((a, s) => a + s.lostPackets, 0);
  const bots = results.flatMap((r) => r.bots);
  const notes = [
    ...new Set([...bots.flatMap((b) => (b.failure ? [`${b.username}: ${b.failure}`] : []))]),
  ].slice(0, 10);
  const figures = (node: NodeName): NodeFigures => {
    const sampler = samplers.get(nodes[node])!;
    notes.push(...sampler.notes.filter((n) => !notes.includes(n)));
    const w = sampler.window(from, to);
    const between = (a: number, b: number) =>
      sampler.snapshots
        .filter((s) => {
          const t = Date.parse(s.snapshot.takenAt);
          return t >= a && t <= b;
        })
        .map((s) => s.snapshot);
    const idle = between(idleFrom, idleTo);
    const rates = idle.length > 1 ? idleRates(idle[0]!, idle.at(-1)!) : undefined;
    if (!rates)
      notes.push(`node ${node}: fewer than two admin snapshots before the bots joined: no idle rate`);
    const snaps = between(from, to);
    const first = snaps[0];
    const last = snaps.at(-1);
    const workers = first && last && first !== last ? workerFigures(first, last, rates) : [];
    const oneNode = nodes.A === nodes.B;
    return {
      node,
      senders: node === 'A' ? plan.senders : 0,
      receivers: oneNode ? 2 * plan.receiversPerNode : plan.receiversPerNode,
      consumersHeld: w.consumersHeld,
      workerCpuMs: w.workerCpuMsFromUsage,
      consumerPackets: w.consumerPackets,
      usPerPacket: w.workerUsPerPacket,
      usPerPacketExclIdle: usPerPacketExclIdle(
        w.workerCpuMsFromUsage,
        w.consumerPackets,
        workers,
        w.snapshotSeconds,
      ),
      workerCores: w.workerCores,
      serverCores: w.serverCores,
      workers,
    };
  };
  const nodeFigures = nodes.A === nodes.B ? [figures('A')] : [figures('A'), figures('B')];
  const run: SetupRun = {
    setup,
    workerCount,
    workersUsed: workersHomingPeers(nodeFigures) || null,
    runs: 1,
    skipped: null,
    nodes: nodeFigures,
    bots: { total: bots.length, joined: bots.filter((b) => b.joined).length },
    streams: {
      expected: 2 * plan.receiversPerNode * plan.senders * 2,
      received: streams.filter((s) => s.packets > 0).length,
    },
    lossPercent: expectedPackets ? (100 * lost) / expectedPackets : 0,
    joinToFirstRtpP95Ms: percentiles(streams.flatMap((s) => (s.firstRtpMs === null ? [] : [s.firstRtpMs])))
      .p95,
    errors: bots.reduce((a, b) => a + b.errors, 0),
    notes,
  };
  log(
    `cluster: ${setup}: ${run.bots.joined}/${run.bots.total} bots joined, ${run.streams.received}/${run.streams.expected} streams, ` +
      nodeFigures.map((n) => `node ${n.node} ${n.usPerPacket?.toFixed(2) ?? '–'} µs/pkt`).join(', '),
  );
  return run;
}

/** The room (created on A by the first sender) and every bot's login, on the node it joins through. */
async function prepareRoom(
  nodes: Record<NodeName, BenchServer>,
  cohorts: Cohort[],
  roomName: string,
): Promise<{ roomId: number; logins: BotLogin[][] }> {
  const total = cohorts.reduce((a, c) => a + c.usernames.length, 0);
  const owner = await loginOrRegister(nodes.A.url, cohorts[0]!.usernames[0]!, PASSWORD);
  const [room] = await ensureRooms(nodes.A.url, owner.auth.accessToken, [roomName], total);
  // Before anyone joins: password hashing stays out of the measured window.
  const logins = await Promise.all(
    cohorts.map((c) => mapLimit(c.usernames, 4, (u) => logIn(nodes[c.node].url, u, PASSWORD))),
  );
  return { roomId: room!.id, logins };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
