import type { ChartSeries } from './adminHistory';

/** Series colours, in order (the server first, then workers). */
export const CHART_COLORS = ['#9aa3b2', '#4f7cff', '#3dd68c', '#f5a524', '#b07cff', '#3fc8e4', '#e5484d', '#ff8ac8'];

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above v (a round axis maximum). */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const pow = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * pow >= v - 1e-9) return m * pow;
  return 10 * pow;
}

interface LineChartProps {
  title: string;
  series: ChartSeries[];
  /** The y axis goes at least this high (a flat 0.3 % line should look small). */
  minYMax: number;
  formatValue: (v: number) => string;
}

/**
 * A small multi-line time chart: SVG for the lines (stretched to the box, strokes kept thin),
 * HTML for the axis labels and legend so text stays readable at any width.
 */
export function LineChart({ title, series, minYMax, formatValue }: LineChartProps) {
  const points = series.flatMap((s) => s.points);
  if (!series.some((s) => s.points.length > 1)) {
    return (
      <figure className="chart">
        <figcaption className="chart__title">{title}</figcaption>
        <p className="empty">Collecting data…</p>
      </figure>
    );
  }
  const t0 = Math.min(...points.map((p) => p.t));
  const t1 = Math.max(...points.map((p) => p.t));
  const span = Math.max(t1 - t0, 1);
  const yMax = niceCeil(Math.max(minYMax, ...points.map((p) => p.v)));
  const x = (t: number) => ((t - t0) / span) * 100;
  const y = (v: number) => 100 - (Math.min(Math.max(v, 0), yMax) / yMax) * 100;
  const current = series.map((s) => ({ ...s, now: s.points[s.points.length - 1]?.v }));
  const summary = `${title}, last ${Math.round(span / 1000)} seconds. Now: ${current
    .map((s) => `${s.label} ${s.now === undefined ? 'no data' : formatValue(s.now)}`)
    .join(', ')}.`;

  return (
    <figure className="chart">
      <figcaption className="chart__title">{title}</figcaption>
      <div className="chart__body">
        <div className="chart__yaxis" aria-hidden="true">
          <span>{formatValue(yMax)}</span>
          <span>{formatValue(yMax / 2)}</span>
          <span>{formatValue(0)}</span>
        </div>
        <svg className="chart__plot" viewBox="0 0 100 100" preserveAspectRatio="none" role="img" aria-label={summary}>
          {[0, 50, 100].map((g) => (
            <line key={g} className="chart__grid" x1={0} x2={100} y1={g} y2={g} vectorEffect="non-scaling-stroke" />
          ))}
          {series.map((s, i) =>
            s.points.length > 1 ? (
              <polyline
                key={s.id}
                data-series={s.id}
                fill="none"
                stroke={CHART_COLORS[i % CHART_COLORS.length]}
                strokeWidth={2}
                strokeLinejoin="round"
                vectorEffect="non-scaling-stroke"
                points={s.points.map((p) => `${x(p.t).toFixed(2)},${y(p.v).toFixed(2)}`).join(' ')}
              />
            ) : null,
          )}
        </svg>
        <span />
        <div className="chart__xaxis" aria-hidden="true">
          <span>−{Math.round(span / 1000)} s</span>
          <span>now</span>
        </div>
      </div>
      <ul className="chart__legend">
        {current.map((s, i) => (
          <li key={s.id}>
            <span className="chart__swatch" style={{ background: CHART_COLORS[i % CHART_COLORS.length] }} aria-hidden="true" />
            {s.label}: <strong>{s.now === undefined ? '—' : formatValue(s.now)}</strong>
          </li>
        ))}
      </ul>
    </figure>
  );
}
