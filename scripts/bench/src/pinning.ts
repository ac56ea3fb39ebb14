/**
 * Keeps the bots' CPU from skewing the server's: the server process and its mediasoup workers
 * run on one CPU (`taskset -c`, inherited by the workers), this process and the bot processes
 * it forks on the other. Without taskset or with a single CPU nothing is pinned (and it says so).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { affinityOf } from './proc-cpu.js';

export interface Pinning {
  enabled: boolean;
  /** taskset CPU list for servers (null: not pinned). */
  serverCpus: string | null;
  botCpus: string | null;
  /** What the bench process's affinity actually is after pinning (from /proc). */
  benchAffinity: string | null;
  note: string;
}

export function pinBenchProcess(): Pinning {
  const cpus = os.cpus().length;
  let hasTaskset = true;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    hasTaskset = false;
  }
  if (!hasTaskset || cpus < 2) {
    return {
      enabled: false,
      serverCpus: null,
      botCpus: null,
      benchAffinity: affinityOf(process.pid),
      note: !hasTaskset
        ? 'taskset not found (util-linux): server and bots share every CPU'
        : 'one CPU only: server and bots share it',
    };
  }
  const serverCpus = '0';
  const botCpus = cpus === 2 ? '1' : `1-${cpus - 1}`;
  // -a: every thread of this process (libuv's pool too); children forked later inherit it.
  execFileSync('taskset', ['-a', '-cp', botCpus, String(process.pid)], { stdio: 'ignore' });
  return {
    enabled: true,
    serverCpus,
    botCpus,
    benchAffinity: affinityOf(process.pid),
    note: `server process + mediasoup workers pinned to CPU ${serverCpus} (taskset -c ${serverCpus}); bench and bots to CPU ${botCpus} (taskset -a -cp ${botCpus})`,
  };
}
