/** Nearest-rank percentiles and ratios, null when there is nothing to compute from. */

export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function percentiles(values: number[]): {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  count: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    count: sorted.length,
  };
}

/** ours / baseline; null unless both are finite and the baseline is positive. */
export function ratio(ours: number | null | undefined, baseline: number | null | undefined): number | null {
  if (
    ours == null ||
    baseline == null ||
    !Number.isFinite(ours) ||
    !Number.isFinite(baseline) ||
    baseline <= 0
  )
    return null;
  return ours / baseline;
}

export function round(value: number | null | undefined, digits = 2): number | null {
  if (value == null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
