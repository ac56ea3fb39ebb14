/**
 * Hand-written SVG charts for the self-contained HTML report: no chart library, no script, no
 * network — the plots are plain markup that any browser (or a screenshot) renders as is.
 */
const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];
const W = 760;
const H = 280;
const M = { top: 30, right: 20, bottom: 42, left: 64 };

export interface Series {
  name: string;
  points: Array<[number, number]>;
}

export const escapeXml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** 1, 2 or 5 × 10^n steps giving about `count` ticks over [0, max]. */
function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out.at(-1)! < max) out.push(Number((out.at(-1)! + step).toPrecision(12)));
  return out;
}

const fmt = (v: number) =>
  Math.abs(v) >= 1000 ? `${Number((v / 1000).toPrecision(3))}k` : `${Number(v.toPrecision(3))}`;

function frame(title: string, xLabel: string, yLabel: string, body: string, legend: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, sans-serif" font-size="11">` +
    `<rect width="${W}" height="${H}" fill="#fff"/>` +
    `<text x="${M.left}" y="18" font-size="13" font-weight="600">${escapeXml(title)}</text>` +
    body +
    `<text x="${M.left + (W - M.left - M.right) / 2}" y="${H - 6}" text-anchor="middle" fill="#444">${escapeXml(xLabel)}</text>` +
    `<text transform="translate(14 ${M.top + (H - M.top - M.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#444">${escapeXml(yLabel)}</text>` +
    legend +
    `</svg>`
  );
}

function legendOf(names: string[]): string {
  let x = W - M.right;
  let out = '';
  for (let i = names.length - 1; i >= 0; i--) {
    const label = escapeXml(names[i]!);
    x -= label.length * 6.2 + 22;
    out += `<rect x="${x}" y="9" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${x + 14}" y="18">${label}</text>`;
  }
  return out;
}

function yAxis(yt: number[], y: (v: number) => number): string {
  return yt
    .map(
      (v) =>
        `<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/>` +
        `<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end" fill="#555">${fmt(v)}</text>`,
    )
    .join('');
}

/** Lines over a numeric x axis; `bands` shades x ranges (e.g. the steady phase). */
export function lineChart(opts: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  band?: { from: number; to: number; label: string };
}): string {
  const all = opts.series.flatMap((s) => s.points);
  if (!all.length) return frame(opts.title, opts.xLabel, opts.yLabel, noData(), '');
  const xMax = Math.max(...all.map((p) => p[0]), 1);
  const xt = ticks(xMax, 8);
  const yt = ticks(Math.max(...all.map((p) => p[1])), 5);
  const x = (v: number) => M.left + (v / xt.at(-1)!) * (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - (v / yt.at(-1)!) * (H - M.top - M.bottom);
  let body = '';
  if (opts.band) {
    body += `<rect x="${x(opts.band.from)}" y="${M.top}" width="${Math.max(0, x(opts.band.to) - x(opts.band.from))}" height="${H - M.top - M.bottom}" fill="#f0f9ff"/>`;
    body += `<text x="${x(opts.band.from) + 4}" y="${M.top + 12}" fill="#0369a1">${escapeXml(opts.band.label)}</text>`;
  }
  body += yAxis(yt, y);
  body += xt
    .map(
      (v) => `<text x="${x(v)}" y="${H - M.bottom + 15}" text-anchor="middle" fill="#555">${fmt(v)}</text>`,
    )
    .join('');
  body += `<line x1="${M.left}" x2="${W - M.right}" y1="${y(0)}" y2="${y(0)}" stroke="#9ca3af"/>`;
  opts.series.forEach((s, i) => {
    if (!s.points.length) return;
    const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    body += `<path d="${d}" fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="1.8"/>`;
  });
  return frame(opts.title, opts.xLabel, opts.yLabel, body, legendOf(opts.series.map((s) => s.name)));
}

/** Vertical bars with a label under each. */
export function barChart(opts: {
  title: string;
  xLabel: string;
  yLabel: string;
  bars: Array<{ label: string; value: number }>;
  color?: string;
}): string {
  if (!opts.bars.length) return frame(opts.title, opts.xLabel, opts.yLabel, noData(), '');
  const yt = ticks(Math.max(...opts.bars.map((b) => b.value)), 5);
  const y = (v: number) => H - M.bottom - (v / yt.at(-1)!) * (H - M.top - M.bottom);
  const slot = (W - M.left - M.right) / opts.bars.length;
  const every = Math.ceil(opts.bars.length / 16);
  let body = yAxis(yt, y);
  opts.bars.forEach((b, i) => {
    const bx = M.left + i * slot + slot * 0.12;
    body += `<rect x="${bx.toFixed(1)}" y="${y(b.value).toFixed(1)}" width="${(slot * 0.76).toFixed(1)}" height="${(y(0) - y(b.value)).toFixed(1)}" fill="${opts.color ?? PALETTE[0]}"><title>${escapeXml(`${b.label}: ${b.value}`)}</title></rect>`;
    if (i % every === 0)
      body += `<text x="${(M.left + (i + 0.5) * slot).toFixed(1)}" y="${H - M.bottom + 15}" text-anchor="middle" fill="#555">${escapeXml(b.label)}</text>`;
    // Values on the bars when they fit, so an all-zero chart still reads as "0", not as empty.
    if (opts.bars.length <= 24)
      body += `<text x="${(M.left + (i + 0.5) * slot).toFixed(1)}" y="${(y(b.value) - 4).toFixed(1)}" text-anchor="middle" fill="#333">${fmt(b.value)}</text>`;
  });
  body += `<line x1="${M.left}" x2="${W - M.right}" y1="${y(0)}" y2="${y(0)}" stroke="#9ca3af"/>`;
  return frame(opts.title, opts.xLabel, opts.yLabel, body, '');
}

/** Counts of values in `bins` equal-width bins from 0 (labels are the bins' lower bounds). */
export function histogramBars(values: number[], bins = 20): Array<{ label: string; value: number }> {
  if (!values.length) return [];
  const max = Math.max(...values);
  const width = ticks(max / bins, 1)[1]!;
  const n = Math.max(1, Math.min(bins, Math.floor(max / width) + 1));
  const counts = new Array<number>(n).fill(0);
  for (const v of values) counts[Math.min(n - 1, Math.floor(v / width))]!++;
  return counts.map((value, i) => ({ label: fmt(i * width), value }));
}

function noData(): string {
  return `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#888">no data</text>`;
}
