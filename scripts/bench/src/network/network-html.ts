/** network.html: the network phase as one self-contained page (inline CSS + SVG, no script). */
import { barChart, escapeXml as esc, lineChart, type Series } from '../../../bots/src/svg-charts.js';
import { recoveryText, type NetworkReport } from './network-report.js';

const CSS = `
body{font-family:system-ui,sans-serif;margin:24px;color:#111;max-width:1600px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.meta{color:#555;font-size:13px}
table{border-collapse:collapse;font-size:13px;margin:4px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f3f4f6}td:first-child,th:first-child{text-align:left}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(770px,1fr));gap:12px}
.grid svg{border:1px solid #e5e7eb;border-radius:4px}`;

const num = (v: number | null, digits = 1) => (v === null ? '–' : v.toFixed(digits));
const layer = (l: number | null) => (l === null ? 'none' : String(l));
const seconds = (ms: number) => ms / 1000;

export function renderNetworkHtml(report: NetworkReport, meta: { startedAt: string; quick: boolean }): string {
  const rows = report.results
    .map(
      (r) =>
        `<tr><td>${esc(r.name)}</td><td>${num(r.frozenPercent)}</td><td>${num(r.longestFreezeMs, 0)}</td>` +
        `<td>${num(r.framesPerSecond)}</td><td>${layer(r.startLayer)} → ${layer(r.layerAtEnd)} (min ${layer(r.lowestLayer)})</td>` +
        `<td>${r.adaptMs === null ? 'n/a' : num(seconds(r.adaptMs))}</td><td>${esc(recoveryText(r))}</td>` +
        `<td>${num(r.videoLossPercent)}</td><td>${r.nackCount}</td><td>${r.pliCount}</td>` +
        `<td>${num(r.meanBitrateKbps, 0)}</td><td>${num(r.meanEstimateKbps, 0)}</td></tr>`,
    )
    .join('');
  // Layer + 1, so that "no layer" (0) stays on the chart.
  const layers: Series[] = report.runs.map((run) => ({
    name: run.condition.name,
    points: run.samples.map((s) => [seconds(s.t), s.layer === null ? 0 : s.layer + 1]),
  }));
  const perCondition = report.runs.map((run) =>
    lineChart({
      title: `${run.condition.name}: kbit/s`,
      xLabel: 'seconds since the impairment started',
      yLabel: 'kbit/s',
      band: { from: 0, to: seconds(run.liftedAtMs), label: 'impaired' },
      series: [
        {
          name: 'camera forwarded',
          points: run.samples.flatMap((s) => (s.bitrateKbps === null ? [] : [[seconds(s.t), s.bitrateKbps]])),
        },
        {
          name: 'bandwidth estimate',
          points: run.samples.flatMap((s) => (s.estimateKbps === null ? [] : [[seconds(s.t), s.estimateKbps]])),
        },
      ],
    }),
  );
  const charts = [
    barChart({
      title: 'Frozen time (no new frame > 500 ms) during the impairment',
      xLabel: 'condition',
      yLabel: '% of the time',
      bars: report.results.map((r) => ({ label: r.name, value: Number(r.frozenPercent.toFixed(1)) })),
    }),
    lineChart({
      title: 'Layer received',
      xLabel: 'seconds since the impairment started',
      yLabel: 'spatial layer + 1 (0 = none)',
      series: layers,
    }),
    ...perCondition,
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>MiniMeet network benchmark</title><style>${CSS}</style></head><body>
<h1>MiniMeet network benchmark</h1>
<p class="meta">${esc(meta.startedAt)}${meta.quick ? ' · quick mode' : ''} · a receiving Chromium on a test host whose link is impaired, a sending Chromium on a clean link</p>
<ul class="meta">${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
<table><tr><th>condition</th><th>frozen %</th><th>longest freeze ms</th><th>fps</th><th>layer start → end</th><th>time to adapt s</th><th>time to recover</th><th>video loss %</th><th>NACK</th><th>PLI</th><th>kbit/s</th><th>estimate kbit/s</th></tr>${rows}</table>
<div class="grid">${charts.join('')}</div>
</body></html>
`;
}
