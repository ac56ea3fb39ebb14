/**
 * Server-side figures during a run. With admin credentials it reads GET /api/admin/stats
 * (worker CPU/RSS, server CPU/RSS, SFU bitrates). Otherwise — or when that route is absent (404)
 * or refused — it samples GET /api/health: cumulative worker CPU time turned into a rate, and,
 * when the server runs on this machine, the server process's CPU and RSS from /proc (the
 * workers' parent). Both routes may be missing (e.g. a bare baseline server): then nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AdminStatsSnapshot, HealthResponse } from '@minimeet/shared';
import type { ServerSample } from './report-types.js';
import { loginOrRegister } from './rest.js';

type Mode = 'admin' | 'health' | 'none';

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** utime + stime (ms) and parent pid of a local process, from /proc/<pid>/stat. */
function procStat(pid: number, ticks: number): { cpuMs: number; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / ticks };
  } catch {
    return null;
  }
}

function procRssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const isLoopback = (url: string) => /^(127\.|localhost$|\[::1\]$)/.test(new URL(url).hostname);

export class ServerSampler {
  readonly samples: ServerSample[] = [];
  readonly notes: string[] = [];
  private mode: Mode = 'none';
  private token: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastTakenAt = '';
  private previous = new Map<number, { cpuMs: number; at: number }>();
  private serverPid: number | null | undefined;
  private readonly ticks = clockTicksPerSecond();
  private inFlight = false;

  constructor(
    private readonly url: string,
    private readonly startedAt: number,
    private readonly admin?: { username: string; password: string },
  ) {}

  get source(): ServerSample['source'] | 'none' {
    return this.samples.at(-1)?.source ?? 'none';
  }

  /** Finds out which route answers. */
  async init(): Promise<void> {
    if (this.admin) {
      try {
        this.token = (
          await loginOrRegister(this.url, this.admin.username, this.admin.password)
        ).auth.accessToken;
        const res = await this.get('/api/admin/stats');
        if (res.ok) {
          await res.body?.cancel();
          this.mode = 'admin';
          return;
        }
        await res.body?.cancel();
        this.notes.push(
          res.status === 404
            ? 'GET /api/admin/stats: 404 (not on this server), using /api/health'
            : `GET /api/admin/stats: ${res.status} (is ${this.admin.username} an admin? npm run admin -- promote ${this.admin.username}), using /api/health`,
        );
      } catch (err) {
        this.notes.push(
          `admin login failed (${err instanceof Error ? err.message : String(err)}), using /api/health`,
        );
      }
    }
    const res = await this.get('/api/health').catch(() => undefined);
    if (res && res.status !== 404) {
      await res.body?.cancel();
      this.mode = 'health';
      if (!this.admin)
        this.notes.push('no admin credentials: /api/health shows no worker figures to anonymous callers');
      if (!isLoopback(this.url)) this.notes.push('server is not local: no server process CPU/RSS');
      return;
    }
    await res?.body?.cancel();
    this.notes.push('neither /api/admin/stats nor /api/health answered: no server figures');
  }

  start(intervalMs = 1000): void {
    if (this.mode === 'none') return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private get(path: string): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
      signal: AbortSignal.timeout(5000),
    });
  }

  private async sample(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      const sample = this.mode === 'admin' ? await this.sampleAdmin() : await this.sampleHealth();
      if (sample) this.samples.push(sample);
    } catch (err) {
      const note = `server sample failed: ${err instanceof Error ? err.message : String(err)}`;
      if (!this.notes.includes(note)) this.notes.push(note);
    } finally {
      this.inFlight = false;
    }
  }

  private async sampleAdmin(): Promise<ServerSample | null> {
    const res = await this.get('/api/admin/stats');
    if (!res.ok) throw new Error(`GET /api/admin/stats ${res.status}`);
    const snap = (await res.json()) as AdminStatsSnapshot;
    // The server snapshots on its own timer: one sample per snapshot.
    if (snap.takenAt === this.lastTakenAt) return null;
    this.lastTakenAt = snap.takenAt;
    return {
      t: (Date.parse(snap.takenAt) - this.startedAt) / 1000,
      source: 'admin',
      workers: snap.workers.map((w) => ({ pid: w.pid, cpuPercent: w.cpuPercent, rssBytes: w.rssBytes })),
      serverCpuPercent: snap.server.cpuPercent,
      serverRssBytes: snap.server.rssBytes,
      bitrateInKbps: snap.totals.bitrateIn / 1000,
      bitrateOutKbps: snap.totals.bitrateOut / 1000,
    };
  }

  private async sampleHealth(): Promise<ServerSample> {
    const res = await this.get('/api/health');
    const health = (await res.json()) as HealthResponse;
    const now = Date.now();
    const rate = (pid: number, cpuMs: number): number | null => {
      const prev = this.previous.get(pid);
      this.previous.set(pid, { cpuMs, at: now });
      return prev && now > prev.at ? (100 * (cpuMs - prev.cpuMs)) / (now - prev.at) : null;
    };
    // Without an admin token the server answers { status } only: no worker figures then.
    const workers = (health.workers ?? []).map((w) => ({
      pid: w.pid,
      cpuPercent: rate(w.pid, w.cpuMs),
      rssBytes: null,
    }));
    let serverCpuPercent: number | null = null;
    let serverRssBytes: number | null = null;
    if (isLoopback(this.url) && this.serverPid === undefined) {
      const first = health.workers?.[0];
      this.serverPid = first ? (procStat(first.pid, this.ticks)?.ppid ?? null) : null;
    }
    if (this.serverPid) {
      const stat = procStat(this.serverPid, this.ticks);
      if (stat) serverCpuPercent = rate(-this.serverPid, stat.cpuMs);
      serverRssBytes = procRssBytes(this.serverPid);
    }
    return {
      t: (now - this.startedAt) / 1000,
      source: this.serverPid ? 'health+procfs' : 'health',
      workers,
      serverCpuPercent,
      serverRssBytes,
      bitrateInKbps: null,
      bitrateOutKbps: null,
    };
  }
}
