/**
 * `--phases recording`: a call of bots (werift peers sending audio + video, receiving the others)
 * recorded for `recordingSeconds`, on one node and on two (Redis + a scratch MariaDB database,
 * half the bots on each). Each setup, on fresh servers: the call unrecorded first (baseline
 * window), then recorded (same bots, same room); after stop, the time until the composite is
 * ready and the bytes written. CPU from /proc of the server processes and their children
 * (mediasoup workers; ffmpeg recorders and composite encoder).
 */
import { randomBytes } from 'node:crypto';
import { ClientEvent, socketHandshakeAuth, type RecordingDto, type RecordingStateEvent } from '@minimeet/shared';
import { io, type Socket } from 'socket.io-client';
import { logIn, type BotPlan } from '../../../bots/src/bot.js';
import type { GroupResult } from '../../../bots/src/bot-group.js';
import { InProcessGroup } from '../../../bots/src/group-handle.js';
import { mapLimit } from '../../../bots/src/map-limit.js';
import { ensureRooms, loginOrRegister } from '../../../bots/src/rest.js';
import { nodeEnv, sharedClusterEnv } from '../cluster-env.js';
import { createScratchDatabase, MARIADB_HOST } from '../mariadb.js';
import type { Pinning } from '../pinning.js';
import { BENCH_REDIS, deleteRedisKeys, redisAnswers } from '../redis.js';
import { startServer, type BenchServer, type StartServerOptions } from '../servers.js';
import { ProcWindow, type WindowCpu } from './recording-procs.js';

export interface RecordingPlan {
  bots: number;
  recordingSeconds: number;
  /** The unrecorded window before it (same length, at most 30 s). */
  baselineSeconds: number;
  workers: number;
}

export function recordingPlan(quick: boolean, recordingSeconds?: number): RecordingPlan {
  const seconds = recordingSeconds ?? (quick ? 10 : 60);
  return { bots: 4, recordingSeconds: seconds, baselineSeconds: Math.min(30, seconds), workers: 1 };
}

export type RecordingSetup = 'oneNode' | 'twoNodes';

export interface RecordingRun {
  setup: RecordingSetup;
  skipped: string | null;
  botsJoined: number;
  tracks: number;
  baseline: WindowCpu | null;
  recorded: WindowCpu | null;
  /** stopRecording answered → state 'ready' (probe, composite, upload to storage). */
  compositeMs: number | null;
  /** ffmpeg CPU (composite encoder and probes) from stop to ready, s. */
  compositeCpuSec: number | null;
  durationMs: number;
  trackBytes: number;
  compositeBytes: number;
  state: string | null;
  notes: string[];
}

type Log = (line: string) => void;

const PASSWORD = 'minimeet-bench-pw';
const SETTLE_MS = 2000;
/** After start, before the recorded window opens: captures spawn and get their first keyframe. */
const RECORD_WARMUP_MS = 3000;
const JOIN_TIMEOUT_MS = 90_000;
const READY_TIMEOUT_MS = 15 * 60_000;
/** Fixed ports: the nodes of this phase never collide with another phase's. */
const PORTS = {
  A: { http: 33700, rtc: [45800, 45849], pipe: [45900, 45949] },
  B: { http: 33701, rtc: [45850, 45899], pipe: [45950, 45999] },
} as const;

export async function recordingPhase(plan: RecordingPlan, pinning: Pinning, log: Log): Promise<RecordingRun[]> {
  return [await oneNode(plan, pinning, log), await twoNodes(plan, pinning, log)];
}

function nodeOptions(node: 'A' | 'B', plan: RecordingPlan, pinning: Pinning, env: Record<string, string>): StartServerOptions {
  const p = PORTS[node];
  return {
    kind: 'minimeet',
    cpus: pinning.serverCpus,
    workers: plan.workers,
    statsIntervalMs: 1000,
    port: p.http,
    env: nodeEnv(p, `bench-rec-${node.toLowerCase()}`, env),
  };
}

async function oneNode(plan: RecordingPlan, pinning: Pinning, log: Log): Promise<RecordingRun> {
  log(`recording: oneNode: ${plan.bots} bots, ${plan.baselineSeconds} s unrecorded, then ${plan.recordingSeconds} s recorded`);
  const server = await startServer(nodeOptions('A', plan, pinning, {}));
  try {
    return await recordCall('oneNode', [server], plan, log);
  } finally {
    await server.stop();
  }
}

async function twoNodes(plan: RecordingPlan, pinning: Pinning, log: Log): Promise<RecordingRun> {
  if (!(await redisAnswers())) return emptyRun('twoNodes', `Redis at ${BENCH_REDIS.host}:${BENCH_REDIS.port} does not answer PING`);
  let db;
  try {
    db = await createScratchDatabase();
  } catch (err) {
    return emptyRun('twoNodes', `MariaDB at ${MARIADB_HOST} not usable (${err instanceof Error ? err.message : String(err)})`);
  }
  const { prefix, env: shared } = sharedClusterEnv();
  const started: BenchServer[] = [];
  try {
    log(`recording: twoNodes: ${plan.bots / 2} bots on each node, MariaDB ${db.name}`);
    for (const node of ['A', 'B'] as const) started.push(await startServer({ ...nodeOptions(node, plan, pinning, shared), databaseUrl: db.url }));
    return await recordCall('twoNodes', started, plan, log);
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    await db.drop().catch(() => undefined);
    deleteRedisKeys(prefix);
  }
}

function emptyRun(setup: RecordingSetup, skipped: string | null): RecordingRun {
  return {
    setup,
    skipped,
    botsJoined: 0,
    tracks: 0,
    baseline: null,
    recorded: null,
    compositeMs: null,
    compositeCpuSec: null,
    durationMs: 0,
    trackBytes: 0,
    compositeBytes: 0,
    state: null,
    notes: [],
  };
}

/** An admin's socket in the room: admins are moderators, and startRecording wants the caller in the room. */
async function moderatorSocket(server: BenchServer, roomId: number): Promise<Socket> {
  const socket = io(server.url, { auth: socketHandshakeAuth(server.adminToken), transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  await ack(socket, ClientEvent.joinRoom, { roomId });
  return socket;
}

async function ack<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const res = (await socket.timeout(15_000).emitWithAck(event, payload)) as { ok: boolean; data?: T; error?: { code: string; message: string } };
  if (!res.ok) throw new Error(`${event}: ${res.error?.code} ${res.error?.message}`);
  return res.data as T;
}

async function getRecording(server: BenchServer, id: number): Promise<RecordingDto | null> {
  const res = await fetch(`${server.url}/api/recordings/${id}`, { headers: { authorization: `Bearer ${server.adminToken}` } });
  return res.ok ? ((await res.json()) as RecordingDto) : null;
}

async function recordCall(setup: RecordingSetup, nodes: BenchServer[], plan: RecordingPlan, log: Log): Promise<RecordingRun> {
  const run = emptyRun(setup, null);
  const tag = `rc${randomBytes(3).toString('hex')}`;
  const usernames = Array.from({ length: plan.bots }, (_, i) => `${tag}_p${i + 1}`);
  const nodeOf = (i: number) => nodes[i % nodes.length]!;
  const owner = await loginOrRegister(nodes[0]!.url, usernames[0]!, PASSWORD);
  const [room] = await ensureRooms(nodes[0]!.url, owner.auth.accessToken, [`${tag}-room`], plan.bots + 1);
  const roomId = room!.id;
  // Before anyone joins: password hashing stays out of the measured windows.
  const logins = await mapLimit(
    usernames.map((username, i) => ({ username, url: nodeOf(i).url })),
    4,
    (b) => logIn(b.url, b.username, PASSWORD),
  );
  const moderator = await moderatorSocket(nodes[0]!, roomId);
  const rampStart = Date.now() + 200;
  const plans: BotPlan[][] = nodes.map(() => []);
  usernames.forEach((username, index) =>
    plans[index % nodes.length]!.push({ index, username, room: 1, roomId, startAt: rampStart + index * 500, login: logins[index]! }),
  );
  const groups = nodes.map(
    (node, i) => new InProcessGroup({ url: node.url, password: PASSWORD, audioOnly: false, chatPerSec: 0, plans: plans[i]! }),
  );
  const pids = nodes.map((n) => n.pid);
  let results: GroupResult[];
  let recordingId: number | null;
  let stoppedAt: number;
  try {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(groups.map((g) => g.settled)), new Promise((r) => (timer = setTimeout(r, JOIN_TIMEOUT_MS)))]);
    clearTimeout(timer);
    await sleep(SETTLE_MS);
    const baseline = new ProcWindow(pids);
    baseline.start();
    await sleep(plan.baselineSeconds * 1000);
    run.baseline = baseline.stop();

    const started = await ack<RecordingStateEvent>(moderator, ClientEvent.startRecording, { roomId });
    recordingId = started.recordingId;
    log(`recording: ${setup}: recording ${recordingId} started`);
    await sleep(RECORD_WARMUP_MS);
    const recorded = new ProcWindow(pids);
    recorded.start();
    await sleep(Math.max(1, plan.recordingSeconds * 1000 - RECORD_WARMUP_MS));
    run.recorded = recorded.stop();
    await ack<RecordingStateEvent>(moderator, ClientEvent.stopRecording, { roomId });
    stoppedAt = Date.now();
  } finally {
    results = await Promise.all(groups.map((g) => g.stop()));
    moderator.close();
  }
  run.botsJoined = results.flatMap((r) => r.bots).filter((b) => b.joined).length;
  run.notes.push(...results.flatMap((r) => r.bots.flatMap((b) => (b.failure ? [`${b.username}: ${b.failure}`] : []))).slice(0, 10));
  if (recordingId === null) return run;

  // Processing: probe, composite, upload. Its ffmpeg CPU is sampled until the recording is ready.
  const processing = new ProcWindow(pids, 250);
  processing.start();
  let dto: RecordingDto | null = null;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    dto = await getRecording(nodes[0]!, recordingId);
    if (dto && (dto.state === 'ready' || dto.state === 'failed')) break;
    await sleep(250);
  }
  const processed = processing.stop();
  run.state = dto?.state ?? null;
  if (dto?.state === 'ready') {
    run.compositeMs = Date.now() - stoppedAt;
    run.compositeCpuSec = processed.ffmpegCores * processed.seconds;
  } else run.notes.push(`recording ${recordingId}: ${dto?.state ?? 'unknown'} ${dto?.error ?? ''}`.trim());
  run.durationMs = dto?.durationMs ?? 0;
  run.tracks = dto?.tracks.length ?? 0;
  run.trackBytes = dto?.tracks.reduce((a, t) => a + t.sizeBytes, 0) ?? 0;
  run.compositeBytes = dto?.sizeBytes ?? 0;
  log(
    `recording: ${setup}: ${run.botsJoined}/${plan.bots} bots, ${run.tracks} tracks, ${run.state}, composite in ${run.compositeMs ?? '–'} ms`,
  );
  return run;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
