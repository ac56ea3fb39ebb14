/**
 * The cluster phase's arithmetic and tables, kept pure (no servers, no bots) so it can be tested
 * on fixed numbers: per-worker figures from two admin snapshots, capacity per setup derived from
 * worker µs per forwarded packet as the capacity phase does, the piped-vs-local ratio and the goals.
 */
import type { AdminStatsSnapshot } from '@minimeet/shared';
import { VIDEO_EQUIVALENT_PPS } from './report.js';
import { ratio, round } from './stats.js';
import { table } from './table.js';

/** oneWorker: one process, one worker. twoWorkers: one process, MEDIASOUP_WORKERS=2 with spill. twoNodes: two processes, one worker each. */
export type ClusterSetupName = 'oneWorker' | 'twoWorkers' | 'twoNodes';

export const CLUSTER_GOALS = {
  /** Room capacity on 2 workers / 2 nodes, at least this many times one worker's. */
  capacityVsOneWorker: 1.8,
  /** Node B's µs per delivered packet (fed by the pipe) over node A's, at most. */
  pipedOverLocal: 1.1,
} as const;

export const PIPED_RATIO_DEFINITION =
  "node B worker CPU µs per RTP packet sent to B's receivers (B receives every stream over the pipe) ÷ " +
  "node A worker CPU µs per RTP packet sent to A's receivers (A receives from the senders and sends to the pipe); " +
  'same receiver count on both nodes, 2-node setup';

/** One worker's figures between two admin snapshots. */
export interface WorkerFigures {
  pid: number;
  cpuMs: number;
  /** Packets sent by the consumers of peers homed on this worker (pipe consumers not counted). */
  consumerPackets: number;
  usPerPacket: number | null;
  /** Its CPU rate before any bot joined (timers, stats polling), ms per second; null if unknown. */
  idleCpuMsPerSec: number | null;
  /** (cpuMs − idle rate × window) ÷ packets: the part that grows with the load. */
  usPerPacketExclIdle: number | null;
  /** CPU over the snapshot interval, in cores. */
  cores: number | null;
  /** Peers homed on it at the end of the window. */
  peers: number;
}

const secondsBetween = (a: AdminStatsSnapshot, b: AdminStatsSnapshot) =>
  (Date.parse(b.takenAt) - Date.parse(a.takenAt)) / 1000;

/** Each worker's CPU rate (ms per second) between two snapshots taken before any bot joined. */
export function idleRates(first: AdminStatsSnapshot, last: AdminStatsSnapshot): Map<number, number> {
  const seconds = secondsBetween(first, last);
  const before = new Map(first.workers.map((w) => [w.pid, w.cpuMs]));
  const out = new Map<number, number>();
  if (seconds <= 0) return out;
  for (const w of last.workers) {
    const b = before.get(w.pid);
    if (b !== undefined) out.set(w.pid, (w.cpuMs - b) / seconds);
  }
  return out;
}

/**
 * Per worker: CPU delta (worker.getResourceUsage) and the consumer packets of the peers homed on
 * it (peer.workerPid; a server that does not say is taken to home them on the room's first
 * router's worker). A worker missing from the first snapshot is not counted (born inside the
 * window). `idle`: rates from idleRates(), to also give the cost without the idle CPU.
 */
export function workerFigures(
  first: AdminStatsSnapshot,
  last: AdminStatsSnapshot,
  idle?: Map<number, number>,
): WorkerFigures[] {
  const seconds = secondsBetween(first, last);
  const cpuBefore = new Map(first.workers.map((w) => [w.pid, w.cpuMs]));
  const packetsBefore = new Map<string, number>();
  for (const room of first.rooms)
    for (const peer of room.peers) for (const c of peer.consumers) packetsBefore.set(c.id, c.packets);
  const packets = new Map<number, number>();
  const peers = new Map<number, number>();
  for (const room of last.rooms) {
    for (const peer of room.peers) {
      const pid = peer.workerPid ?? room.workerPid;
      peers.set(pid, (peers.get(pid) ?? 0) + 1);
      for (const c of peer.consumers)
        packets.set(pid, (packets.get(pid) ?? 0) + c.packets - (packetsBefore.get(c.id) ?? 0));
    }
  }
  return last.workers
    .filter((w) => cpuBefore.has(w.pid))
    .map((w) => {
      const cpuMs = w.cpuMs - cpuBefore.get(w.pid)!;
      const p = packets.get(w.pid) ?? 0;
      const idleRate = idle?.get(w.pid) ?? null;
      return {
        pid: w.pid,
        cpuMs,
        consumerPackets: p,
        usPerPacket: p > 0 ? (cpuMs * 1000) / p : null,
        idleCpuMsPerSec: idleRate,
        usPerPacketExclIdle: p > 0 && idleRate !== null ? ((cpuMs - idleRate * seconds) * 1000) / p : null,
        cores: seconds > 0 ? cpuMs / 1000 / seconds : null,
        peers: peers.get(w.pid) ?? 0,
      };
    });
}

/**
 * A node's worker µs per packet without its workers' idle CPU: (Σ CPU − Σ idle rate × window)
 * ÷ packets. Null when a worker's idle rate is unknown or nothing was sent.
 */
export function usPerPacketExclIdle(
  cpuMs: number | null,
  packets: number | null,
  workers: WorkerFigures[],
  seconds: number | null,
): number | null {
  if (cpuMs === null || !packets || seconds === null || !workers.length) return null;
  const idleMs = sumOrNull(
    workers.map((w) => (w.idleCpuMsPerSec === null ? null : w.idleCpuMsPerSec * seconds)),
  );
  return idleMs === null ? null : ((cpuMs - idleMs) * 1000) / packets;
}

/** One node (server process) of a setup over the steady window. */
export interface NodeFigures {
  node: 'A' | 'B';
  /** Sending bots connected to it (all on A) and receiving bots connected to it. */
  senders: number;
  receivers: number;
  consumersHeld: number | null;
  /** Sums over its workers, from the admin snapshots at the window's edges. */
  workerCpuMs: number | null;
  consumerPackets: number | null;
  usPerPacket: number | null;
  /** Σ over its workers of (CPU − idle rate × window) ÷ consumer packets; null without an idle measure. */
  usPerPacketExclIdle: number | null;
  /** From /proc over the window, in cores. */
  workerCores: number;
  serverCores: number;
  workers: WorkerFigures[];
}

export interface SetupRun {
  setup: ClusterSetupName;
  /** Workers started over every node (MEDIASOUP_WORKERS per node, summed). */
  workerCount: number;
  /** Workers the room's peers were homed on (workersHomingPeers; null: not known). */
  workersUsed: number | null;
  /** How many interleaved runs this pools (poolSetupRuns). */
  runs: number;
  /** Why the setup did not run (then nodes is empty). */
  skipped: string | null;
  nodes: NodeFigures[];
  bots: { total: number; joined: number };
  streams: { expected: number; received: number };
  lossPercent: number;
  joinToFirstRtpP95Ms: number | null;
  errors: number;
  notes: string[];
}

export interface SetupSummary {
  setup: ClusterSetupName;
  workerCount: number;
  /**
   * Workers the room's peers were homed on (from admin stats; the configured count when the
   * server does not tell): the cores its capacity is counted on.
   */
  workersUsed: number;
  /** Every expected stream reached its receiver. */
  complete: boolean;
  /** Σ worker CPU µs over every node ÷ Σ packets sent by the consumers of every node. */
  usPerPacket: number | null;
  /** The same without each worker's idle CPU rate (measured before the bots joined). */
  usPerPacketExclIdle: number | null;
  /** 1e6 / (µs per packet × VIDEO_EQUIVALENT_PPS): consumers one worker core carries. */
  consumersPerCore: number | null;
  /** consumersPerCore × workersUsed: the room's capacity if the load spreads evenly. */
  roomCapacity: number | null;
  roomCapacityVsOneWorker: number | null;
  /** The same two from the µs per packet without idle CPU. */
  roomCapacityExclIdle: number | null;
  roomCapacityExclIdleVsOneWorker: number | null;
  /**
   * Consumers held ÷ the busiest worker's cores: where the room stops when that worker is full
   * (counts the imbalance: the senders' node also does all the ingest).
   */
  busiestWorkerCapacity: number | null;
  busiestWorkerCapacityVsOneWorker: number | null;
}

export interface Goal {
  value: number | null;
  /** The same figure from µs per packet without the workers' idle CPU. */
  valueExclIdle: number | null;
  goal: number;
  /** Null when not measured or some stream never arrived. */
  met: boolean | null;
}

export interface ClusterSummary {
  setups: SetupSummary[];
  piped: {
    definition: string;
    nodeAUsPerPacket: number | null;
    nodeBUsPerPacket: number | null;
    ratio: number | null;
    ratioExclIdle: number | null;
  };
  goals: { twoWorkersCapacity: Goal; twoNodesCapacity: Goal; pipedOverLocal: Goal };
}

const sumOrNull = (xs: Array<number | null>) =>
  xs.length && xs.every((x) => x !== null) ? xs.reduce<number>((a, x) => a + x!, 0) : null;

/** Workers with at least one of the room's peers homed on them, over the nodes of one run (0: not known). */
export function workersHomingPeers(nodes: NodeFigures[]): number {
  return nodes.flatMap((n) => n.workers).filter((w) => w.peers > 0).length;
}

/**
 * One setup's interleaved runs as one: CPU and packets summed per node (so µs per packet is
 * pooled, not averaged), consumers held and workers used at their worst/most, every worker listed.
 */
export function poolSetupRuns(runs: SetupRun[]): SetupRun {
  const ran = runs.filter((r) => !r.skipped);
  if (ran.length <= 1) return ran[0] ?? runs[0]!;
  const first = ran[0]!;
  const total = (f: (r: SetupRun) => number) => ran.reduce((a, r) => a + f(r), 0);
  const nodes = first.nodes.map((n): NodeFigures => {
    const same = ran.map((r) => r.nodes.find((x) => x.node === n.node)).filter((x) => x !== undefined);
    const cpuMs = sumOrNull(same.map((x) => x.workerCpuMs));
    const packets = sumOrNull(same.map((x) => x.consumerPackets));
    const exclIdleUs = sumOrNull(
      same.map((x) =>
        x.usPerPacketExclIdle === null || x.consumerPackets === null
          ? null
          : x.usPerPacketExclIdle * x.consumerPackets,
      ),
    );
    const held = same.map((x) => x.consumersHeld);
    return {
      ...n,
      consumersHeld: held.every((h) => h !== null) ? Math.min(...held) : null,
      workerCpuMs: cpuMs,
      consumerPackets: packets,
      usPerPacket: cpuMs !== null && packets ? (cpuMs * 1000) / packets : null,
      usPerPacketExclIdle: exclIdleUs !== null && packets ? exclIdleUs / packets : null,
      workerCores: same.reduce((a, x) => a + x.workerCores, 0) / same.length,
      serverCores: same.reduce((a, x) => a + x.serverCores, 0) / same.length,
      workers: same.flatMap((x) => x.workers),
    };
  });
  const used = ran.map((r) => r.workersUsed);
  const p95s = ran.map((r) => r.joinToFirstRtpP95Ms).filter((x) => x !== null);
  return {
    setup: first.setup,
    workerCount: first.workerCount,
    workersUsed: used.every((u) => u !== null) ? Math.max(...used) : null,
    runs: ran.length,
    skipped: null,
    nodes,
    bots: { total: total((r) => r.bots.total), joined: total((r) => r.bots.joined) },
    streams: { expected: total((r) => r.streams.expected), received: total((r) => r.streams.received) },
    lossPercent: Math.max(...ran.map((r) => r.lossPercent)),
    joinToFirstRtpP95Ms: p95s.length ? Math.max(...p95s) : null,
    errors: total((r) => r.errors),
    notes: [...new Set(ran.flatMap((r) => r.notes))],
  };
}

type VsOneWorker =
  'roomCapacityVsOneWorker' | 'roomCapacityExclIdleVsOneWorker' | 'busiestWorkerCapacityVsOneWorker';

function summarizeSetup(run: SetupRun): Omit<SetupSummary, VsOneWorker> {
  const cpuMs = sumOrNull(run.nodes.map((n) => n.workerCpuMs));
  const packets = sumOrNull(run.nodes.map((n) => n.consumerPackets));
  const us = cpuMs !== null && packets ? (cpuMs * 1000) / packets : null;
  // Σ(cpu − idle) ÷ Σ packets, from each node's own ratio: × its packets gives its µs.
  const idleExcl = sumOrNull(
    run.nodes.map((n) =>
      n.usPerPacketExclIdle === null || n.consumerPackets === null
        ? null
        : n.usPerPacketExclIdle * n.consumerPackets,
    ),
  );
  const usExcl = idleExcl !== null && packets ? idleExcl / packets : null;
  const perCore = (x: number | null) => (x && x > 0 ? 1e6 / (x * VIDEO_EQUIVALENT_PPS) : null);
  const held = sumOrNull(run.nodes.map((n) => n.consumersHeld));
  const busiest = Math.max(0, ...run.nodes.flatMap((n) => n.workers.map((w) => w.cores ?? 0)));
  const workersUsed = run.workersUsed || run.workerCount;
  const capacity = (x: number | null) => round(perCore(x) === null ? null : perCore(x)! * workersUsed, 0);
  return {
    setup: run.setup,
    workerCount: run.workerCount,
    workersUsed,
    complete: !run.skipped && run.streams.expected > 0 && run.streams.received === run.streams.expected,
    usPerPacket: round(us, 2),
    usPerPacketExclIdle: round(usExcl, 2),
    consumersPerCore: round(perCore(us), 0),
    roomCapacity: capacity(us),
    roomCapacityExclIdle: capacity(usExcl),
    busiestWorkerCapacity: round(held !== null && busiest > 0 ? held / busiest : null, 0),
  };
}

export function clusterSummary(runs: SetupRun[]): ClusterSummary {
  const base = runs.map(summarizeSetup);
  const one = base.find((s) => s.setup === 'oneWorker');
  const setups: SetupSummary[] = base.map((s) => ({
    ...s,
    roomCapacityVsOneWorker: round(ratio(s.roomCapacity, one?.roomCapacity), 2),
    roomCapacityExclIdleVsOneWorker: round(ratio(s.roomCapacityExclIdle, one?.roomCapacityExclIdle), 2),
    busiestWorkerCapacityVsOneWorker: round(ratio(s.busiestWorkerCapacity, one?.busiestWorkerCapacity), 2),
  }));
  const nodes = runs.find((r) => r.setup === 'twoNodes')?.nodes ?? [];
  const nodeA = nodes.find((n) => n.node === 'A');
  const nodeB = nodes.find((n) => n.node === 'B');
  const a = nodeA?.usPerPacket ?? null;
  const b = nodeB?.usPerPacket ?? null;
  const pipedRatio = round(ratio(b, a), 3);
  const pipedRatioExclIdle = round(ratio(nodeB?.usPerPacketExclIdle, nodeA?.usPerPacketExclIdle), 3);
  const find = (name: ClusterSetupName) => setups.find((s) => s.setup === name);
  const complete = (name: ClusterSetupName) => (find(name)?.complete ?? false) && (one?.complete ?? false);
  const atLeast = (name: ClusterSetupName): Goal => {
    const value = find(name)?.roomCapacityVsOneWorker ?? null;
    const valueExclIdle = find(name)?.roomCapacityExclIdleVsOneWorker ?? null;
    const goal = CLUSTER_GOALS.capacityVsOneWorker;
    return { value, valueExclIdle, goal, met: value === null || !complete(name) ? null : value >= goal };
  };
  const twoNodesComplete = find('twoNodes')?.complete ?? false;
  return {
    setups,
    piped: {
      definition: PIPED_RATIO_DEFINITION,
      nodeAUsPerPacket: round(a, 2),
      nodeBUsPerPacket: round(b, 2),
      ratio: pipedRatio,
      ratioExclIdle: pipedRatioExclIdle,
    },
    goals: {
      twoWorkersCapacity: atLeast('twoWorkers'),
      twoNodesCapacity: atLeast('twoNodes'),
      pipedOverLocal: {
        value: pipedRatio,
        valueExclIdle: pipedRatioExclIdle,
        goal: CLUSTER_GOALS.pipedOverLocal,
        met: pipedRatio === null || !twoNodesComplete ? null : pipedRatio <= CLUSTER_GOALS.pipedOverLocal,
      },
    },
  };
}

const LABELS: Record<ClusterSetupName, string> = {
  oneWorker: '1 worker',
  twoWorkers: '2 workers, 1 process',
  twoNodes: '2 nodes, 1 worker each',
};

const s2 = (v: number | null) => (v === null ? null : v.toFixed(2));
const times = (v: number | null) => (v === null ? null : `${v.toFixed(2)}×`);

/** Per node and worker: what was forwarded and what it cost. */
export function clusterNodesTable(runs: SetupRun[]): string {
  const rows = runs.flatMap((r) =>
    r.skipped
      ? [[LABELS[r.setup], 'skipped', r.skipped]]
      : r.nodes.flatMap((n) => [
          [
            LABELS[r.setup],
            `node ${n.node}`,
            `${n.senders} / ${n.receivers}`,
            n.consumersHeld,
            n.consumerPackets,
            n.workerCpuMs === null ? null : round(n.workerCpuMs, 0),
            s2(round(sumOrNull(n.workers.map((w) => w.idleCpuMsPerSec)), 2)),
            s2(round(n.usPerPacket, 2)),
            s2(round(n.usPerPacketExclIdle, 2)),
          ],
          ...(n.workers.length > 1
            ? n.workers.map((w) => [
                '',
                `  worker ${w.pid}`,
                `${w.peers} peers`,
                null,
                w.consumerPackets,
                round(w.cpuMs, 0),
                s2(round(w.idleCpuMsPerSec, 2)),
                s2(round(w.usPerPacket, 2)),
                s2(round(w.usPerPacketExclIdle, 2)),
              ])
            : []),
        ]),
  );
  return table(
    "Cluster: one room, senders on node A, receivers on A and B (worker µs/pkt = that node's worker CPU ÷ packets its consumers sent to its receivers; excl. idle: minus the workers' CPU rate before any bot joined)",
    [
      'setup',
      'node',
      'senders / receivers',
      'consumers',
      'packets out',
      'worker CPU ms',
      'idle ms/s',
      'worker µs/pkt',
      'excl. idle',
    ],
    rows,
  );
}

export function clusterSummaryTable(runs: SetupRun[], s: ClusterSummary): string {
  const rows = s.setups.map((x) => {
    const run = runs.find((r) => r.setup === x.setup)!;
    return [
      run.runs > 1 ? `${LABELS[x.setup]} (${run.runs} runs pooled)` : LABELS[x.setup],
      `${x.workersUsed} of ${x.workerCount}`,
      run.skipped ? 'skipped' : `${run.streams.received}/${run.streams.expected}`,
      s2(round(run.lossPercent, 3)),
      s2(x.usPerPacket),
      x.roomCapacity,
      times(x.roomCapacityVsOneWorker),
      s2(x.usPerPacketExclIdle),
      x.roomCapacityExclIdle,
      times(x.roomCapacityExclIdleVsOneWorker),
      x.busiestWorkerCapacity,
      times(x.busiestWorkerCapacityVsOneWorker),
    ];
  });
  const verdict = (g: Goal, op: string) =>
    `${g.value === null ? '–' : `${g.value.toFixed(2)}×`} (goal ${op} ${g.goal}×: ${g.met === null ? 'not measured' : g.met ? 'met' : 'NOT met'}); excl. idle ${times(g.valueExclIdle) ?? '–'}`;
  return [
    table(
      `Cluster capacity of one room (µs/pkt = Σ worker CPU ÷ Σ consumer packets over all nodes; capacity = workers used × 1e6 / (µs/pkt × ${VIDEO_EQUIVALENT_PPS} pkt/s); busiest-worker = consumers ÷ the busiest worker's cores)`,
      [
        'setup',
        'workers used',
        'streams',
        'loss %',
        'µs/pkt',
        'room capacity',
        'vs 1 worker',
        'µs/pkt excl. idle',
        'capacity excl. idle',
        'vs 1 worker',
        'busiest-worker capacity',
        'vs 1 worker',
      ],
      rows,
    ),
    table(
      'Cluster goals',
      ['figure', 'value'],
      [
        ['room capacity, 2 workers / 1 worker', verdict(s.goals.twoWorkersCapacity, '≥')],
        ['room capacity, 2 nodes / 1 worker', verdict(s.goals.twoNodesCapacity, '≥')],
        [
          `piped / local µs per packet (B ${s2(s.piped.nodeBUsPerPacket) ?? '–'} ÷ A ${s2(s.piped.nodeAUsPerPacket) ?? '–'})`,
          verdict(s.goals.pipedOverLocal, '≤'),
        ],
      ],
    ),
    `piped / local = ${s.piped.definition}`,
  ].join('\n\n');
}
