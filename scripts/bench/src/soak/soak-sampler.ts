/**
 * Samples, every few seconds of a soak run, everything that must not grow: the server process
 * (GET /api/admin/process: RSS, heap, active resources by type, sockets), each mediasoup worker
 * (RSS from /proc/<pid>/status; routers, transports, producers, consumers and channel handlers
 * from its own dump), rows of the server's database (SQL), the run's Redis keys, and the load
 * itself (bots in rooms, joins, chat messages acknowledged) to compare the expected growth with.
 */
import { readFileSync } from 'node:fs';
import type { AdminProcessReport } from '@minimeet/shared';
import { onMysqlServer, type TestDatabase } from '@minimeet/test-harness';
import type { BenchServer } from '../servers.js';
import { redisKeys } from '../redis.js';
import type { SoakLoad } from './soak-load.js';

export interface SoakSample {
  /** Minutes since the load started. */
  t: number;
  at: string;
  /** Series key → value (see soak-series.ts for what each key is). */
  values: Record<string, number>;
}

/** Tables counted on the server's database. */
export const DB_TABLES = [
  'messages',
  'call_participants',
  'call_sessions',
  'refresh_tokens',
  'users',
  'rooms',
  'room_members',
] as const;

const MB = 1024 * 1024;

export interface SoakSources {
  server: BenchServer;
  /** MariaDB database of the server (null: rows not counted). */
  db: TestDatabase | null;
  /** Key prefix of the server's Redis keys (null: no Redis). */
  redisPrefix: string | null;
  load: SoakLoad;
}

export class SoakSampler {
  readonly samples: SoakSample[] = [];
  readonly notes: string[] = [];
  /** Worker pids in the order of the first report (worker N in the series names). */
  readonly workerPids: number[] = [];
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> | undefined;
  #startedAt = 0;

  constructor(private readonly sources: SoakSources) {}

  start(startedAt: number, periodSec: number): void {
    this.#startedAt = startedAt;
    void this.sampleNow();
    this.#timer = setInterval(() => void this.sampleNow(), periodSec * 1000);
  }

  /** Stops the timer (waits for a sample in flight). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#busy;
  }

  /** Takes one sample now (skipped when the previous one is still running); never rejects. */
  sampleNow(): Promise<void> {
    if (this.#busy) return this.#busy;
    this.#busy = this.#sample()
      .then((s) => void this.samples.push(s))
      .catch((err: unknown) =>
        this.#note(`sample failed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => (this.#busy = undefined));
    return this.#busy;
  }

  /** One reading of the server and its workers only (e.g. after the load ended). */
  async processValues(): Promise<Record<string, number>> {
    const values: Record<string, number> = {};
    this.#addProcess(values, await this.#report());
    return values;
  }

  async #sample(): Promise<SoakSample> {
    const at = Date.now();
    const values: Record<string, number> = {};
    const [report, rows] = await Promise.all([this.#report(), this.#rows()]);
    this.#addProcess(values, report);
    if (rows) for (const [table, n] of Object.entries(rows)) values[`db.${table}`] = n;
    const prefix = this.sources.redisPrefix;
    if (prefix) {
      try {
        values['redis.keys'] = redisKeys(prefix).length;
      } catch (err) {
        this.#note(`Redis keys: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const load = this.sources.load;
    const chat = load.chat();
    values['load.inRoom'] = load.counters.inRoom;
    values['load.joins'] = load.counters.joins;
    values['load.chatAcked'] = chat.sent - chat.refused;
    return { t: (at - this.#startedAt) / 60_000, at: new Date(at).toISOString(), values };
  }

  async #report(): Promise<AdminProcessReport> {
    const { url, adminToken } = this.sources.server;
    const res = await fetch(`${url}/api/admin/process`, {
      headers: { authorization: `Bearer ${adminToken}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`GET /api/admin/process: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as AdminProcessReport;
  }

  #addProcess(values: Record<string, number>, r: AdminProcessReport): void {
    values['server.rssMB'] = r.server.rssBytes / MB;
    values['server.heapUsedMB'] = r.server.heapUsedBytes / MB;
    values['server.externalMB'] = r.server.externalBytes / MB;
    values['server.sockets'] = r.server.sockets;
    let total = 0;
    for (const [type, n] of Object.entries(r.server.activeResources)) {
      values[`server.resources.${type}`] = n;
      total += n;
    }
    values['server.resources.total'] = total;
    for (const w of r.workers) {
      if (!this.workerPids.includes(w.pid)) {
        if (this.workerPids.length >= r.workers.length)
          this.#note(`worker ${w.pid} appeared (a worker was replaced)`);
        this.workerPids.push(w.pid);
      }
      const key = `worker${this.workerPids.indexOf(w.pid) + 1}`;
      const rss = procRssBytes(w.pid);
      if (rss !== null) values[`${key}.rssMB`] = rss / MB;
      const o = w.objects;
      if (!o) {
        this.#note(`worker ${w.pid} did not answer its dump at least once`);
        continue;
      }
      values[`${key}.routers`] = o.routers;
      values[`${key}.transports`] = o.transports;
      values[`${key}.producers`] = o.producers;
      values[`${key}.consumers`] = o.consumers;
      values[`${key}.rtpObservers`] = o.rtpObservers;
      values[`${key}.channelHandlers`] = o.channelRequestHandlers + o.channelNotificationHandlers;
    }
  }

  async #rows(): Promise<Record<string, number> | null> {
    const db = this.sources.db;
    if (!db) return null;
    try {
      return await onMysqlServer(async (conn) => {
        const select = DB_TABLES.map((t) => `(SELECT COUNT(*) FROM \`${t}\`) AS \`${t}\``).join(', ');
        const [rows] = await conn.query(`SELECT ${select}`);
        const row = (rows as Array<Record<string, number | string>>)[0] ?? {};
        return Object.fromEntries(DB_TABLES.map((t) => [t, Number(row[t] ?? 0)]));
      }, db.url);
    } catch (err) {
      this.#note(`DB rows: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  #note(note: string): void {
    if (!this.notes.includes(note)) this.notes.push(note);
  }
}

/** Current resident set size of a local process (VmRSS), bytes; null when it is gone. */
export function procRssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}
