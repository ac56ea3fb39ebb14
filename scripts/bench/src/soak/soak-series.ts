/**
 * What each sampled series is and how it is judged: resources that must stay flat (with the noise
 * floor of their unit), rows expected to grow with the load (compared with the load's own rate),
 * and the load figures themselves (shown, not judged).
 */
import { afterWarmup, trend, type Point, type Trend, type TrendRule } from './soak-trend.js';
import type { SoakSample } from './soak-sampler.js';

export type SeriesRole = 'resource' | 'expected' | 'load';

export interface SeriesDefinition {
  role: SeriesRole;
  unit: string;
  /** Growth over 30 minutes at or below this is noise (the unit's absolute floor). */
  floor: number;
  /** For role 'expected': the load series whose slope is the expected one, and why. */
  expectedFrom?: { key: string; why: string };
}

/** Definition of a series key (keys are made by soak-sampler.ts). */
export function defineSeries(key: string): SeriesDefinition {
  if (key === 'db.messages')
    return {
      role: 'expected',
      unit: 'rows',
      floor: 2,
      expectedFrom: { key: 'load.chatAcked', why: 'chat persists: one row per acknowledged message' },
    };
  if (key === 'db.call_participants')
    return {
      role: 'expected',
      unit: 'rows',
      floor: 2,
      expectedFrom: {
        key: 'load.joins',
        why: 'at most one row per join (a rejoin within CALL_REJOIN_WINDOW_MS continues its row)',
      },
    };
  if (key.startsWith('load.'))
    return { role: 'load', unit: key === 'load.inRoom' ? 'bots' : 'count', floor: 0 };
  if (key === 'server.rssMB') return { role: 'resource', unit: 'MB', floor: 8 };
  if (/^worker\d+\.rssMB$/.test(key)) return { role: 'resource', unit: 'MB', floor: 4 };
  if (key.endsWith('MB')) return { role: 'resource', unit: 'MB', floor: 4 };
  return { role: 'resource', unit: key.startsWith('db.') ? 'rows' : 'count', floor: 2 };
}

export interface SeriesTrend extends Trend {
  key: string;
  role: SeriesRole;
  unit: string;
  floor: number;
  expectedWhy: string | null;
}

/** Every series of the samples, as points (minutes, value); a sample missing a key is skipped. */
export function seriesPoints(samples: readonly SoakSample[]): Map<string, Point[]> {
  const out = new Map<string, Point[]>();
  // Active resource types come and go: a type absent from a sample had none then.
  const resourceKeys = new Set(
    samples.flatMap((s) => Object.keys(s.values).filter((k) => k.startsWith('server.resources.'))),
  );
  for (const s of samples) {
    const keys = new Set([...Object.keys(s.values), ...resourceKeys]);
    for (const key of keys) {
      const value = s.values[key] ?? (resourceKeys.has(key) ? 0 : undefined);
      if (value === undefined) continue;
      let points = out.get(key);
      if (!points) out.set(key, (points = []));
      points.push({ t: s.t, value });
    }
  }
  return out;
}

/** Trends of every series after `warmupMin` minutes, load series first for reference, then by key. */
export function seriesTrends(samples: readonly SoakSample[], warmupMin: number): SeriesTrend[] {
  const points = seriesPoints(samples);
  const loadSlope = (key: string): number | undefined => {
    const p = points.get(key);
    return p ? (trend(afterWarmup(p, warmupMin), { floor: 0 }).slopePerMin ?? undefined) : undefined;
  };
  const out: SeriesTrend[] = [];
  for (const [key, all] of points) {
    const def = defineSeries(key);
    const rule: TrendRule = { floor: def.floor };
    if (def.expectedFrom) {
      const expected = loadSlope(def.expectedFrom.key);
      if (expected !== undefined) rule.expectedPerMin = expected;
    }
    out.push({
      key,
      role: def.role,
      unit: def.unit,
      floor: def.floor,
      expectedWhy: def.expectedFrom?.why ?? null,
      ...trend(afterWarmup(all, warmupMin), rule),
    });
  }
  const order: Record<SeriesRole, number> = { resource: 0, expected: 1, load: 2 };
  return out.sort(
    (a, b) => order[a.role] - order[b.role] || a.key.localeCompare(b.key, 'en', { numeric: true }),
  );
}
