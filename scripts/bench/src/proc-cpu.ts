/**
 * CPU time of local processes from /proc (utime + stime, the same counters `top` uses), read the
 * same way for MiniMeet and the baseline: the server process and each of its children (the
 * mediasoup workers) separately, and the bench's own bot processes.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime of the process itself, ms. */
  cpuMs: number;
  /** cutime + cstime: CPU of children it has waited for, ms. */
  childrenCpuMs: number;
  comm: string;
}

export function procStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const f = stat.slice(close + 2).split(' ');
    const ms = (ticks: string | undefined) => (Number(ticks) * 1000) / TICKS_PER_SECOND;
    return {
      pid,
      comm: stat.slice(open + 1, close),
      ppid: Number(f[1]),
      cpuMs: ms(f[11]) + ms(f[12]),
      childrenCpuMs: ms(f[13]) + ms(f[14]),
    };
  } catch {
    return null;
  }
}

/** Direct children of a process (from every thread's children list). */
export function childPids(pid: number): number[] {
  const out = new Set<number>();
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  for (const task of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/)) {
        if (c) out.add(Number(c));
      }
    } catch {
      // the thread ended meanwhile
    }
  }
  return [...out];
}

/** The process and all its descendants. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...childPids(p));
  }
  return out;
}

/** CPU affinity list of a process as `taskset` prints it (e.g. "0" or "0,1"), or null. */
export function affinityOf(pid: number): string | null {
  try {
    const m = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? m[1]! : null;
  } catch {
    return null;
  }
}

/** Busy time (everything but idle and iowait) of each CPU since boot, ms, from /proc/stat. */
export function cpuBusyMs(): number[] {
  try {
    const out: number[] = [];
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = /^cpu(\d+)\s+(.*)$/.exec(line);
      if (!m) continue;
      const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = m[2]!
        .split(/\s+/)
        .map(Number);
      out[Number(m[1])] = ((user + nice + system + irq + softirq + steal) * 1000) / TICKS_PER_SECOND;
    }
    return out;
  } catch {
    return [];
  }
}

/** Resident memory of a process (VmRSS from /proc/<pid>/status), MiB; null when it is gone. */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s*(\d+)\s*kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Resident memory of a process and all its descendants (a server and its workers), MiB. */
export function treeRssMb(pid: number): number {
  return processTree(pid).reduce((a, p) => a + (rssMb(p) ?? 0), 0);
}
