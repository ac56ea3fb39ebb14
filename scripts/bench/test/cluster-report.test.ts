/**
 * The cluster phase's arithmetic on fixed numbers: per-worker figures from two admin snapshots,
 * capacity derived from µs per packet, the piped/local ratio and the goal verdicts.
 */
import type { AdminPeerStats, AdminStatsSnapshot, AdminWorkerStats } from '@minimeet/shared';
import { adminTotals } from '@minimeet/shared';
import { describe, expect, it } from 'vitest';
import {
  clusterNodesTable,
  clusterSummary,
  clusterSummaryTable,
  idleRates,
  poolSetupRuns,
  usPerPacketExclIdle,
  workerFigures,
  workersHomingPeers,
  type NodeFigures,
  type SetupRun,
} from '../src/cluster-report.js';

function worker(pid: number, cpuMs: number): AdminWorkerStats {
  return { pid, alive: true, cpuPercent: 0, cpuMs, rssBytes: 0, routers: 1, responding: true };
}

/** A peer homed on `workerPid` (undefined: the server does not say) with consumers id → packets. */
function peer(
  userId: number,
  workerPid: number | undefined,
  consumers: Record<string, number>,
): AdminPeerStats {
  return {
    userId,
    username: `u${userId}`,
    ...(workerPid === undefined ? {} : { workerPid }),
    transports: 2,
    producers: [],
    consumers: Object.entries(consumers).map(([id, packets]) => ({
      id,
      producerId: `p-${id}`,
      kind: 'video' as const,
      bitrate: 0,
      score: 10,
      packetLoss: 0,
      spatialLayer: null,
      paused: false,
      packets,
      bytes: 0,
    })),
  };
}

function snapshot(
  atSec: number,
  workers: AdminWorkerStats[],
  peers: AdminPeerStats[],
  roomWorker = 100,
): AdminStatsSnapshot {
  const rooms = [
    {
      id: 1,
      name: 'r',
      callSessionId: null,
      workerPid: roomWorker,
      peers,
      bitrateIn: 0,
      bitrateOut: 0,
    },
  ];
  return {
    takenAt: new Date(Date.UTC(2026, 0, 1, 0, 0, atSec)).toISOString(),
    intervalMs: 1000,
    server: { pid: 1, cpuPercent: 0, rssBytes: 0, cpuMs: 0, uptimeSeconds: 1 },
    workers,
    rooms,
    totals: adminTotals(rooms),
  };
}

describe('workerFigures', () => {
  it('charges each worker its CPU delta and the packets of the consumers of peers homed on it', () => {
    const first = snapshot(
      0,
      [worker(100, 1000), worker(200, 500)],
      [peer(1, 100, { a: 10 }), peer(2, 200, { b: 20, c: 0 })],
    );
    const last = snapshot(
      10,
      [worker(100, 1400), worker(200, 800), worker(300, 50)],
      [peer(1, 100, { a: 1010 }), peer(2, 200, { b: 1020, c: 2000 }), peer(3, 200, {})],
    );
    const idle = idleRates(
      snapshot(-5, [worker(100, 950), worker(200, 500)], []),
      snapshot(0, [worker(100, 1000), worker(200, 500)], []),
    );
    expect(idle).toEqual(
      new Map([
        [100, 10],
        [200, 0],
      ]),
    );
    const figures = workerFigures(first, last, idle);
    // Worker 300 was born inside the window: not counted.
    expect(figures.map((w) => w.pid)).toEqual([100, 200]);
    const [w1, w2] = figures;
    expect(w1).toMatchObject({ cpuMs: 400, consumerPackets: 1000, usPerPacket: 400, cores: 0.04, peers: 1 });
    // 400 ms minus 10 ms/s idle over 10 s = 300 ms over 1000 packets.
    expect(w1!.usPerPacketExclIdle).toBe(300);
    // A consumer born inside the window counts from zero.
    expect(w2).toMatchObject({ cpuMs: 300, consumerPackets: 3000, usPerPacket: 100, peers: 2 });
  });

  it("homes the peers of a server that does not say on the room's first worker", () => {
    const first = snapshot(0, [worker(100, 0), worker(200, 0)], [peer(1, undefined, { a: 0 })], 200);
    const last = snapshot(2, [worker(100, 10), worker(200, 30)], [peer(1, undefined, { a: 600 })], 200);
    const [w1, w2] = workerFigures(first, last);
    expect(w1).toMatchObject({ consumerPackets: 0, usPerPacket: null, peers: 0, idleCpuMsPerSec: null });
    expect(w2).toMatchObject({ consumerPackets: 600, usPerPacket: 50, peers: 1, usPerPacketExclIdle: null });
  });
});

function node(
  name: 'A' | 'B',
  cpuMs: number,
  packets: number,
  workers: Array<[number, number, number]>,
): NodeFigures {
  return {
    node: name,
    senders: name === 'A' ? 2 : 0,
    receivers: 2,
    consumersHeld: 8,
    workerCpuMs: cpuMs,
    consumerPackets: packets,
    usPerPacket: packets ? (cpuMs * 1000) / packets : null,
    usPerPacketExclIdle: usPerPacketExclIdle(
      cpuMs,
      packets,
      workers.map(([pid, , peers]) => ({
        pid,
        cpuMs: 0,
        consumerPackets: 0,
        usPerPacket: null,
        idleCpuMsPerSec: 1,
        usPerPacketExclIdle: null,
        cores: null,
        peers,
      })),
      10,
    ),
    workerCores: 0,
    serverCores: 0,
    workers: workers.map(([pid, cores, peers]) => ({
      pid,
      cpuMs: cpuMs / workers.length,
      consumerPackets: packets / workers.length,
      usPerPacket: null,
      idleCpuMsPerSec: 1,
      usPerPacketExclIdle: null,
      cores,
      peers,
    })),
  };
}

function run(setup: SetupRun['setup'], workerCount: number, nodes: NodeFigures[], received = 16): SetupRun {
  return {
    setup,
    workerCount,
    workersUsed: workersHomingPeers(nodes) || null,
    runs: 1,
    skipped: null,
    nodes,
    bots: { total: 6, joined: 6 },
    streams: { expected: 16, received },
    lossPercent: 0,
    joinToFirstRtpP95Ms: 100,
    errors: 0,
    notes: [],
  };
}

describe('clusterSummary', () => {
  // One worker: 100 ms over 10 000 packets = 10 µs/pkt → 1e6 / (10 × 100) = 1000 consumers per core.
  const one = run('oneWorker', 1, [{ ...node('A', 100, 10_000, [[100, 0.01, 6]]), consumersHeld: 16 }]);

  it('derives capacity from µs per packet on the workers the room used, and the ratios to one worker', () => {
    const s = clusterSummary([
      one,
      // 2 workers at 11 µs/pkt: 2 × 909 = 1818 → 1.82×.
      run('twoWorkers', 2, [
        {
          ...node('A', 110, 10_000, [
            [100, 0.01, 3],
            [200, 0.02, 3],
          ]),
          consumersHeld: 16,
        },
      ]),
      // Nodes: A 80 ms / 4000 pkt = 20 µs, B 40 ms / 4000 pkt = 10 µs; pooled 15 µs → 2 × 667 = 1333.
      run('twoNodes', 2, [node('A', 80, 4000, [[100, 0.04, 4]]), node('B', 40, 4000, [[300, 0.01, 2]])]),
    ]);
    const [a, b, c] = s.setups;
    expect(a).toMatchObject({
      usPerPacket: 10,
      consumersPerCore: 1000,
      roomCapacity: 1000,
      roomCapacityVsOneWorker: 1,
    });
    expect(a!.busiestWorkerCapacity).toBe(1600); // 16 consumers on 0.01 core
    expect(b).toMatchObject({
      workersUsed: 2,
      usPerPacket: 11,
      roomCapacity: 1818,
      roomCapacityVsOneWorker: 1.82,
    });
    expect(b!.busiestWorkerCapacity).toBe(800); // 16 on the busier worker's 0.02 core
    expect(b!.busiestWorkerCapacityVsOneWorker).toBe(0.5);
    expect(c).toMatchObject({ usPerPacket: 15, roomCapacity: 1333, roomCapacityVsOneWorker: 1.33 });
    // Idle 1 ms/s per worker over 10 s: one worker (100 − 10) / 10 000 = 9 µs; nodes (70 + 30) / 8000 = 12.5 µs.
    expect(a!.usPerPacketExclIdle).toBe(9);
    expect(c!.usPerPacketExclIdle).toBe(12.5);
    expect(c!.roomCapacityExclIdleVsOneWorker).toBe(1.44);
    expect(s.piped).toMatchObject({ nodeAUsPerPacket: 20, nodeBUsPerPacket: 10, ratio: 0.5 });
    expect(s.goals.twoWorkersCapacity).toMatchObject({ value: 1.82, met: true });
    expect(s.goals.twoNodesCapacity).toMatchObject({ value: 1.33, met: false });
    expect(s.goals.pipedOverLocal).toMatchObject({ value: 0.5, goal: 1.1, met: true });
  });

  it('counts only the workers that hosted peers, and claims no goal when a stream never arrived', () => {
    const s = clusterSummary([
      one,
      // The room stayed on one of the two workers: capacity counts 1 worker, not 2.
      run('twoWorkers', 2, [
        node('A', 100, 10_000, [
          [100, 0.01, 6],
          [200, 0, 0],
        ]),
      ]),
      run('twoNodes', 2, [node('A', 50, 5000, [[100, 0.01, 4]]), node('B', 0, 0, [[300, 0, 0]])], 8),
    ]);
    expect(s.setups[1]).toMatchObject({ workersUsed: 1, roomCapacity: 1000, roomCapacityVsOneWorker: 1 });
    expect(s.goals.twoWorkersCapacity.met).toBe(false);
    expect(s.setups[2]!.complete).toBe(false);
    expect(s.goals.twoNodesCapacity.met).toBeNull();
    expect(s.piped.ratio).toBeNull();
    expect(s.goals.pipedOverLocal.met).toBeNull();
  });

  it('reports a skipped setup as skipped, with no figures', () => {
    const skipped: SetupRun = {
      ...run('twoNodes', 2, [], 0),
      skipped: 'Redis at 127.0.0.1:6379 does not answer PING',
      streams: { expected: 0, received: 0 },
    };
    const runs = [one, skipped];
    const s = clusterSummary(runs);
    expect(s.setups[1]).toMatchObject({ complete: false, usPerPacket: null, roomCapacity: null });
    expect(s.goals.twoNodesCapacity).toMatchObject({ value: null, met: null });
    expect(clusterNodesTable(runs)).toMatch(/2 nodes, 1 worker each\s+skipped\s+Redis at 127\.0\.0\.1:6379/);
    const text = clusterSummaryTable(runs, s);
    expect(text).toContain('room capacity, 2 nodes / 1 worker');
    expect(text).toMatch(/– \(goal ≥ 1\.8×: not measured\)/);
    expect(text).toContain(s.piped.definition);
  });
});

describe('poolSetupRuns', () => {
  it('pools CPU and packets per node (not a mean of ratios), keeps the worst figures, ignores a skipped run', () => {
    const a = run('oneWorker', 1, [{ ...node('A', 100, 10_000, [[100, 0.01, 6]]), consumersHeld: 16 }]);
    const b = run('oneWorker', 1, [{ ...node('A', 300, 5000, [[200, 0.03, 6]]), consumersHeld: 15 }], 15);
    const skipped: SetupRun = { ...a, skipped: 'MariaDB not usable', nodes: [] };
    const pooled = poolSetupRuns([a, skipped, { ...b, lossPercent: 0.5 }]);
    expect(pooled.runs).toBe(2);
    expect(pooled.skipped).toBeNull();
    const [n] = pooled.nodes;
    expect(n).toMatchObject({ workerCpuMs: 400, consumerPackets: 15_000, consumersHeld: 15 });
    // 400 ms over 15 000 packets, where the mean of the two runs' ratios (10, 60) would say 35.
    expect(n!.usPerPacket).toBeCloseTo(26.667, 3);
    expect(n!.workers.map((w) => w.pid)).toEqual([100, 200]);
    expect(pooled).toMatchObject({
      workersUsed: 1,
      streams: { expected: 32, received: 31 },
      bots: { total: 12, joined: 12 },
      lossPercent: 0.5,
    });
    // Capacity from the pooled figure: 1e6 / (26.667 × 100) on the 1 worker used.
    expect(clusterSummary([pooled]).setups[0]!.roomCapacity).toBe(375);
  });

  it('keeps a setup that was skipped every time as skipped', () => {
    const skipped: SetupRun = { ...run('twoNodes', 2, []), skipped: 'no Redis' };
    expect(poolSetupRuns([skipped, skipped]).skipped).toBe('no Redis');
  });
});
