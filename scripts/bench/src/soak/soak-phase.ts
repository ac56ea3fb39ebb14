/**
 * `--phases soak`: MiniMeet alone (on a scratch MariaDB database when one is reachable, with Redis
 * when it answers) under a steady churning load for --soak-minutes, sampled every
 * --soak-sample-sec; then the load stops and, once the presence grace has passed, one more
 * reading shows what the server still holds (next to one taken before the first bot joined). Slopes are fitted after the warm-up (soak-series.ts).
 */
import { randomBytes } from 'node:crypto';
import type { TestDatabase } from '@minimeet/test-harness';
import { createScratchDatabase, MARIADB_HOST } from '../mariadb.js';
import { BENCH_REDIS_URL, deleteRedisKeys, redisAnswers } from '../redis.js';
import { startServer } from '../servers.js';
import { SoakLoad, type SoakLoadCounters } from './soak-load.js';
import type { SoakPlan } from './soak-plan.js';
import { SoakSampler, type SoakSample } from './soak-sampler.js';
import { seriesTrends, type SeriesTrend } from './soak-series.js';

/** The server's presence grace during the soak (its default): churners come back inside and outside it. */
const PRESENCE_GRACE_MS = 10_000;
/** After the load: the grace, then this much more before the final reading. */
const DRAIN_EXTRA_MS = 5_000;

type Log = (line: string) => void;

export interface SoakPhaseResult {
  plan: SoakPlan;
  startedAt: string;
  endedAt: string;
  /** 'mariadb' or why rows were not counted. */
  database: string;
  /** Redis URL with the run's key prefix, or null without Redis. */
  redis: string | null;
  warmupMinutes: number;
  samples: SoakSample[];
  trends: SeriesTrend[];
  /** The server and its workers before any bot joined (absent in results of older runs). */
  idle?: Record<string, number>;
  drained: { afterSec: number; values: Record<string, number> };
  load: SoakLoadCounters & { chatSent: number; chatRefused: number };
  workerPids: number[];
  notes: string[];
}

export async function soakPhase(plan: SoakPlan, log: Log): Promise<SoakPhaseResult> {
  const notes: string[] = [];
  let db: TestDatabase | null = null;
  let database = 'mariadb';
  try {
    db = await createScratchDatabase();
  } catch (err) {
    database = `SQLite, rows not counted (MariaDB at ${MARIADB_HOST} not usable: ${err instanceof Error ? err.message : String(err)})`;
    log(`soak: ${database}`);
  }
  const redisPrefix = (await redisAnswers()) ? `mmsoak-${randomBytes(4).toString('hex')}` : null;
  if (!redisPrefix) notes.push(`no Redis at ${BENCH_REDIS_URL}: one process, in memory`);
  const server = await startServer({
    kind: 'minimeet',
    cpus: null,
    workers: plan.workers,
    statsIntervalMs: plan.statsIntervalMs,
    ...(db ? { databaseUrl: db.url } : {}),
    env: {
      PRESENCE_GRACE_MS: String(PRESENCE_GRACE_MS),
      ...(redisPrefix ? { REDIS_URL: BENCH_REDIS_URL, REDIS_KEY_PREFIX: redisPrefix } : { REDIS_URL: '' }),
    },
  });
  const load = new SoakLoad(server.url, plan, `soak${randomBytes(3).toString('hex')}`);
  const sampler = new SoakSampler({ server, db, redisPrefix, load });
  const startedAt = new Date();
  try {
    log(
      `soak: ${plan.minutes} min, ${plan.rooms} rooms × (${plan.stayersPerRoom} staying + ${plan.churnersPerRoom} churning) bots, sample every ${plan.sampleSec} s (server pid ${server.pid}, database ${db ? db.name : 'SQLite'}${redisPrefix ? `, Redis prefix ${redisPrefix}` : ''})`,
    );
    const idle = await sampler.processValues();
    await load.start(server.adminToken);
    const loadStart = Date.now();
    sampler.start(loadStart, plan.sampleSec);
    const end = loadStart + plan.minutes * 60_000;
    const progress = setInterval(() => {
      const last = sampler.samples.at(-1)?.values;
      const c = load.counters;
      log(
        `soak: ${((Date.now() - loadStart) / 60_000).toFixed(1)}/${plan.minutes} min, ${c.inRoom} bots in rooms, ${c.joins} joins (${c.failedJoins} failed), ${c.errors} errors; server RSS ${last?.['server.rssMB']?.toFixed(0) ?? '?'} MB, handles ${last?.['server.resources.total'] ?? '?'}`,
      );
    }, 60_000);
    await new Promise((r) => setTimeout(r, Math.max(0, end - Date.now())));
    clearInterval(progress);
    await sampler.sampleNow();
    await sampler.stop();
    log('soak: load stopping; waiting for the presence grace before the final reading');
    await load.stop();
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, PRESENCE_GRACE_MS + DRAIN_EXTRA_MS));
    const drained = { afterSec: (Date.now() - stoppedAt) / 1000, values: await sampler.processValues() };
    const warmupMinutes = plan.minutes * plan.warmupFraction;
    const chat = load.chat();
    return {
      plan,
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      database,
      redis: redisPrefix ? `${BENCH_REDIS_URL} (prefix ${redisPrefix})` : null,
      warmupMinutes,
      samples: sampler.samples,
      idle,
      trends: seriesTrends(sampler.samples, warmupMinutes),
      drained,
      load: { ...load.counters, chatSent: chat.sent, chatRefused: chat.refused },
      workerPids: sampler.workerPids,
      notes: [...notes, ...sampler.notes],
    };
  } finally {
    await load.stop().catch(() => undefined);
    await sampler.stop();
    await server.stop();
    await db?.drop().catch((err: unknown) => log(`soak: could not drop ${db?.name}: ${String(err)}`));
    if (redisPrefix) {
      const left = deleteRedisKeys(redisPrefix);
      if (left) log(`soak: ${left}`);
    }
  }
}
