/**
 * Samples, while a load runs, everything the CPU figures are computed from — identically for
 * both servers: /proc CPU time of the server process, of each mediasoup worker (its children)
 * and of the bots (this process and its other descendants); and GET /api/admin/stats snapshots
 * (worker CPU from worker.getResourceUsage() and consumer packet counts, taken together by the
 * server). Figures for a window are deltas between the samples at its edges.
 */
import type { AdminStatsSnapshot } from '@minimeet/shared';
import { childPids, cpuBusyMs, procStat, processTree } from './proc-cpu.js';
import type { BenchServer } from './servers.js';

export interface CpuSample {
  at: number;
  serverMs: number;
  /** worker pid → CPU ms. */
  workersMs: Record<string, number>;
  botsMs: number;
  /** Busy ms of every CPU (/proc/stat), to see load from processes outside the bench. */
  cpuBusyMs: number[];
}

export interface WindowFigures {
  seconds: number;
  /** CPU used over the window, in cores (1 = one core fully busy). */
  serverCores: number;
  workerCores: number;
  botCores: number;
  /**
   * CPU used on the server's CPUs by anything else than the server (other programs on the
   * machine): busy time of those CPUs minus server process + workers, in cores. Null unpinned.
   */
  otherCoresOnServerCpus: number | null;
  /** From the stats snapshots inside the window (null when fewer than two). */
  snapshotSeconds: number | null;
  workerCpuMsFromUsage: number | null;
  consumerPackets: number | null;
  consumersHeld: number | null;
  workerUsPerPacket: number | null;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export class LoadSampler {
  readonly cpu: CpuSample[] = [];
  readonly snapshots: Array<{ at: number; snapshot: AdminStatsSnapshot }> = [];
  readonly notes: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #statsBusy = false;

  readonly #periodMs: number;
  /** Every server process running during the load (their process trees are not bots). */
  readonly #serverPids: number[];

  constructor(
    private readonly server: BenchServer,
    opts: { periodMs?: number; serverPids?: number[] } = {},
  ) {
    this.#periodMs = opts.periodMs ?? 500;
    this.#serverPids = opts.serverPids ?? [server.pid];
  }

  start(): void {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), this.#periodMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#sample();
  }

  #sample(): void {
    const at = Date.now();
    const server = procStat(this.server.pid);
    if (server) {
      const workersMs: Record<string, number> = {};
      for (const pid of childPids(this.server.pid)) {
        const s = procStat(pid);
        if (s) workersMs[pid] = s.cpuMs;
      }
      const servers = new Set(this.#serverPids.flatMap((pid) => processTree(pid)));
      const bots = processTree(process.pid).filter((pid) => !servers.has(pid));
      const botsMs = sum(bots.map((pid) => procStat(pid)?.cpuMs ?? 0));
      this.cpu.push({ at, serverMs: server.cpuMs, workersMs, botsMs, cpuBusyMs: cpuBusyMs() });
    }
    if (this.#statsBusy) return;
    this.#statsBusy = true;
    fetch(`${this.server.url}/api/admin/stats`, {
      headers: { authorization: `Bearer ${this.server.adminToken}` },
      signal: AbortSignal.timeout(5000),
    })
      .then(async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const snapshot = (await res.json()) as AdminStatsSnapshot;
        if (this.snapshots.at(-1)?.snapshot.takenAt !== snapshot.takenAt)
          this.snapshots.push({ at, snapshot });
      })
      .catch((err: unknown) => {
        const note = `GET /api/admin/stats: ${err instanceof Error ? err.message : String(err)}`;
        if (!this.notes.includes(note)) this.notes.push(note);
      })
      .finally(() => (this.#statsBusy = false));
  }

  /** Figures between two wall-clock times (ms). */
  window(from: number, to: number): WindowFigures {
    const serverCpus = this.server.cpus;
    const inside = this.cpu.filter((s) => s.at >= from && s.at <= to);
    const a = inside[0];
    const b = inside.at(-1);
    if (!a || !b || b.at <= a.at) throw new Error('no CPU samples inside the measurement window');
    const seconds = (b.at - a.at) / 1000;
    const workerDelta = sum(
      Object.entries(b.workersMs).map(([pid, ms]) => ms - (a.workersMs[pid] ?? ms)), // a worker born inside the window is not counted
    );
    const snaps = this.snapshots.filter(
      (s) => Date.parse(s.snapshot.takenAt) >= from && Date.parse(s.snapshot.takenAt) <= to,
    );
    const first = snaps[0]?.snapshot;
    const last = snaps.at(-1)?.snapshot;
    let usage: Pick<
      WindowFigures,
      'snapshotSeconds' | 'workerCpuMsFromUsage' | 'consumerPackets' | 'consumersHeld' | 'workerUsPerPacket'
    > = {
      snapshotSeconds: null,
      workerCpuMsFromUsage: null,
      consumerPackets: null,
      consumersHeld: null,
      workerUsPerPacket: null,
    };
    if (first && last && last !== first) {
      const cpuOf = (s: AdminStatsSnapshot) => new Map(s.workers.map((w) => [w.pid, w.cpuMs]));
      const before = cpuOf(first);
      const workerCpuMs = sum(
        last.workers.map((w) => (before.has(w.pid) ? w.cpuMs - before.get(w.pid)! : 0)),
      );
      const packets = last.totals.consumerPackets - first.totals.consumerPackets;
      const consumers = (s: AdminStatsSnapshot) => s.totals.consumers.audio + s.totals.consumers.video;
      usage = {
        snapshotSeconds: (Date.parse(last.takenAt) - Date.parse(first.takenAt)) / 1000,
        workerCpuMsFromUsage: workerCpuMs,
        consumerPackets: packets,
        consumersHeld: Math.min(...snaps.map((s) => consumers(s.snapshot))),
        workerUsPerPacket: packets > 0 ? (workerCpuMs * 1000) / packets : null,
      };
    }
    const serverCores = (b.serverMs - a.serverMs) / 1000 / seconds;
    const workerCores = workerDelta / 1000 / seconds;
    const busy = serverCpus
      ? sum(serverCpus.map((c) => (b.cpuBusyMs[c] ?? 0) - (a.cpuBusyMs[c] ?? 0))) / 1000 / seconds
      : null;
    return {
      seconds,
      serverCores,
      workerCores,
      otherCoresOnServerCpus: busy === null ? null : Math.max(0, busy - serverCores - workerCores),
      botCores: (b.botsMs - a.botsMs) / 1000 / seconds,
      ...usage,
    };
  }
}
