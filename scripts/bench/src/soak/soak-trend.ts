/**
 * Whether a series grows once the load is steady: a least-squares line through the samples after
 * the warm-up, and a verdict against a documented threshold (see README, "Soak").
 *
 * A resource series (memory, handles, timers, sockets, mediasoup objects, rows that should not
 * accumulate) is `growing` only when both hold:
 *   - its fitted growth over 30 minutes is above max(absolute noise floor, 10 % of its mean), and
 *   - the slope is clearly above zero: more than 2 standard errors (a churning count that goes up
 *     and down by chance does not fit a line).
 * Otherwise it is `flat` (a falling series is flat too: nothing accumulates). A series expected to
 * grow with the load (chat rows, participant rows per join) is compared with its expected slope
 * instead: `above expected` when its excess over 30 minutes is above max(floor, 10 % of the expected
 * growth) and more than 2 standard errors, `as expected` otherwise (below is fine: an upper bound).
 */

export interface Point {
  /** Minutes since the run started. */
  t: number;
  value: number;
}

export interface LinearFit {
  /** Units per minute. */
  slope: number;
  intercept: number;
  /** Standard error of the slope (0 with fewer than 3 points or an exact line). */
  slopeStdError: number;
  n: number;
}

/** Ordinary least squares of value on t; null with fewer than 2 points or no spread in t. */
export function linearFit(points: readonly Point[]): LinearFit | null {
  const n = points.length;
  if (n < 2) return null;
  const meanT = points.reduce((a, p) => a + p.t, 0) / n;
  const meanV = points.reduce((a, p) => a + p.value, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.t - meanT) ** 2;
    sxy += (p.t - meanT) * (p.value - meanV);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = meanV - slope * meanT;
  let sse = 0;
  for (const p of points) sse += (p.value - (intercept + slope * p.t)) ** 2;
  const slopeStdError = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : 0;
  return { slope, intercept, slopeStdError, n };
}

export type Verdict = 'flat' | 'growing' | 'as expected' | 'above expected' | 'too few samples';

export interface TrendRule {
  /** Growth over 30 minutes at or below this (in the series' unit) is noise. */
  floor: number;
  /** Growth over 30 minutes at or below this fraction of the mean is flat (default 0.1). */
  relative?: number;
  /** Expected growth, units per minute: the series is compared with it instead of with zero. */
  expectedPerMin?: number;
}

export interface Trend {
  /** First and last sample after the warm-up. */
  start: number | null;
  end: number | null;
  mean: number | null;
  slopePerMin: number | null;
  slopePerHour: number | null;
  slopeStdErrorPerMin: number | null;
  /** Fitted growth over 30 minutes. */
  growthPer30Min: number | null;
  /** max(floor, relative × mean): what growth over 30 minutes may reach and still be flat. */
  allowedPer30Min: number | null;
  expectedPerMin: number | null;
  samples: number;
  verdict: Verdict;
}

export const DEFAULT_RELATIVE = 0.1;
/** A slope this many standard errors above zero (or above the expected slope) is real. */
export const SIGNIFICANCE = 2;
/** Fewer samples after the warm-up than this give no verdict. */
export const MIN_SAMPLES = 4;

/** Samples at or after `warmupMin` minutes. */
export function afterWarmup(points: readonly Point[], warmupMin: number): Point[] {
  return points.filter((p) => p.t >= warmupMin);
}

/** The trend of one series (points already past the warm-up). */
export function trend(points: readonly Point[], rule: TrendRule): Trend {
  const fit = points.length >= MIN_SAMPLES ? linearFit(points) : null;
  const mean = points.length ? points.reduce((a, p) => a + p.value, 0) / points.length : null;
  const expectedPerMin = rule.expectedPerMin ?? null;
  const base = {
    start: points[0]?.value ?? null,
    end: points.at(-1)?.value ?? null,
    mean,
    expectedPerMin,
    samples: points.length,
  };
  if (!fit || mean === null)
    return {
      ...base,
      slopePerMin: null,
      slopePerHour: null,
      slopeStdErrorPerMin: null,
      growthPer30Min: null,
      allowedPer30Min: null,
      verdict: 'too few samples',
    };
  const relative = rule.relative ?? DEFAULT_RELATIVE;
  const reference = expectedPerMin ?? 0;
  // Flat: 10 % of the level; expected growth: 10 % of the expected growth (floor in both cases).
  const allowed = Math.max(rule.floor, relative * Math.abs(expectedPerMin === null ? mean : reference * 30));
  const excessPer30 = (fit.slope - reference) * 30;
  const significant = fit.slope - reference > SIGNIFICANCE * fit.slopeStdError;
  const above = excessPer30 > allowed && significant;
  return {
    ...base,
    slopePerMin: fit.slope,
    slopePerHour: fit.slope * 60,
    slopeStdErrorPerMin: fit.slopeStdError,
    growthPer30Min: fit.slope * 30,
    allowedPer30Min: allowed,
    verdict:
      expectedPerMin === null ? (above ? 'growing' : 'flat') : above ? 'above expected' : 'as expected',
  };
}
