import type { Percentiles } from './report-types.js';

/** Nearest-rank percentiles (values are rounded to 0.1). */
export function percentiles(values: number[]): Percentiles {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const at = (p: number) =>
    v.length ? round1(v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)]!) : null;
  return { p50: at(50), p95: at(95), p99: at(99), max: v.length ? round1(v.at(-1)!) : null, count: v.length };
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
export const round2 = (x: number) => Math.round(x * 100) / 100;

export function mean(values: number[]): number | null {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}
