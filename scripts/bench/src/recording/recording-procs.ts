/**
 * /proc figures of the recording phase: CPU of the server processes, of their mediasoup workers
 * and of their ffmpeg children (the per-track recorders, later the composite encoder), and the
 * recorders' resident memory, sampled while a window runs.
 */
import { childPids, procStat, rssMb } from '../proc-cpu.js';

export interface ProcTotals {
  at: number;
  serverMs: number;
  workerMs: number;
  /** ffmpeg pid → CPU ms so far. */
  ffmpegMs: Map<number, number>;
  /** Resident memory of every ffmpeg child, MiB. */
  ffmpegRssMb: number;
  ffmpegCount: number;
}

const isFfmpeg = (comm: string) => comm === 'ffmpeg' || comm === 'setpriv';

export function procTotals(serverPids: number[]): ProcTotals {
  const out: ProcTotals = { at: Date.now(), serverMs: 0, workerMs: 0, ffmpegMs: new Map(), ffmpegRssMb: 0, ffmpegCount: 0 };
  for (const pid of serverPids) {
    out.serverMs += procStat(pid)?.cpuMs ?? 0;
    for (const child of childPids(pid)) {
      const s = procStat(child);
      if (!s) continue;
      if (isFfmpeg(s.comm)) {
        out.ffmpegMs.set(child, s.cpuMs);
        out.ffmpegRssMb += rssMb(child) ?? 0;
        out.ffmpegCount += 1;
      } else if (s.comm.startsWith('mediasoup')) out.workerMs += s.cpuMs;
    }
  }
  return out;
}

export interface WindowCpu {
  seconds: number;
  serverCores: number;
  workerCores: number;
  /** ffmpeg children over the window (a child that ended inside it counts up to its last sample). */
  ffmpegCores: number;
  /** Mean over the samples of the ffmpeg children's summed RSS, MiB. */
  ffmpegRssMb: number;
  /** Most ffmpeg children seen at once. */
  ffmpegMax: number;
}

/** Samples every `everyMs` until stopped; figures between the first and the last sample. */
export class ProcWindow {
  private readonly samples: ProcTotals[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly serverPids: number[], private readonly everyMs = 1000) {}

  start(): void {
    this.samples.push(procTotals(this.serverPids));
    this.timer = setInterval(() => this.samples.push(procTotals(this.serverPids)), this.everyMs);
  }

  stop(): WindowCpu {
    clearInterval(this.timer);
    this.samples.push(procTotals(this.serverPids));
    const first = this.samples[0]!;
    const last = this.samples.at(-1)!;
    const seconds = (last.at - first.at) / 1000;
    // Per ffmpeg pid: its last reading minus its first (0 for one that started inside the window).
    const firstSeen = new Map<number, number>();
    const lastSeen = new Map<number, number>();
    for (const s of this.samples)
      for (const [pid, ms] of s.ffmpegMs) {
        if (!firstSeen.has(pid)) firstSeen.set(pid, s === first ? ms : 0);
        lastSeen.set(pid, ms);
      }
    let ffmpegMs = 0;
    for (const [pid, ms] of lastSeen) ffmpegMs += ms - (firstSeen.get(pid) ?? 0);
    const cores = (ms: number) => (seconds > 0 ? ms / 1000 / seconds : 0);
    return {
      seconds,
      serverCores: cores(last.serverMs - first.serverMs),
      workerCores: cores(last.workerMs - first.workerMs),
      ffmpegCores: cores(ffmpegMs),
      ffmpegRssMb: this.samples.reduce((a, s) => a + s.ffmpegRssMb, 0) / this.samples.length,
      ffmpegMax: Math.max(...this.samples.map((s) => s.ffmpegCount)),
    };
  }
}
