/** The soak phase's tables (terminal, README) and its HTML page of plots. */
import { escapeXml, lineChart, type Series } from '../../../bots/src/svg-charts.js';
import { round } from '../stats.js';
import { table } from '../table.js';
import type { SoakPhaseResult } from './soak-phase.js';
import { seriesPoints, type SeriesTrend } from './soak-series.js';

const num = (v: number | null, digits = 2) => (v === null ? '–' : String(round(v, digits)));

function verdictCell(t: SeriesTrend): string {
  return t.role === 'load' ? '(load)' : t.verdict;
}

/** Why the expected series may grow, one line each, under the table. */
function expectedNotes(trends: SeriesTrend[]): string[] {
  return trends
    .filter((t) => t.role === 'expected')
    .map((t) => `  ${t.key}: expected ≤ ${num(t.expectedPerMin)}/min — ${t.expectedWhy ?? ''}`);
}

export function soakTable(r: SoakPhaseResult): string {
  const p = r.plan;
  const title =
    `Soak: ${p.minutes} min, ${p.rooms} rooms × (${p.stayersPerRoom} staying + ${p.churnersPerRoom} churning) bots, ` +
    `audio+video+chat ${p.chatPerSec}/s each, ${p.workers} workers, sample every ${p.sampleSec} s; ` +
    `slopes after the first ${Math.round(p.warmupFraction * 100)} % (${num(r.warmupMinutes, 1)} min); ` +
    `database ${r.database}, Redis ${r.redis ?? 'none'}; ` +
    `workers: ${r.workerPids.map((pid, i) => `worker${i + 1} = pid ${pid}`).join(', ')}`;
  const body = table(
    title,
    ['series', 'unit', 'start', 'end', 'slope/min', 'slope/h', 'allowed/30 min', 'expected/min', 'verdict'],
    r.trends.map((t) => [
      t.key,
      t.unit,
      num(t.start),
      num(t.end),
      num(t.slopePerMin, 3),
      num(t.slopePerHour, 1),
      t.role === 'load' ? '' : num(t.allowedPer30Min, 1),
      t.role === 'expected' ? num(t.expectedPerMin) : '',
      verdictCell(t),
    ]),
  );
  const growing = r.trends.filter(
    (t) => t.role !== 'load' && (t.verdict === 'growing' || t.verdict === 'above expected'),
  );
  return [
    body,
    ...expectedNotes(r.trends),
    growing.length
      ? `  GROWING: ${growing.map((t) => t.key).join(', ')}`
      : '  nothing grows: every resource flat, every expected series within its expected slope',
    ...(r.notes.length ? ['  notes:', ...r.notes.map((n) => `    ${n}`)] : []),
  ].join('\n');
}

/**
 * Before the first bot joined, during the load, and after the load ended and the presence grace
 * passed: every object the bots made must be gone again.
 */
export function drainedTable(r: SoakPhaseResult): string {
  const sampledProcessKeys = r.trends
    .map((t) => t.key)
    .filter((k) => k.startsWith('server.') || k.startsWith('worker'));
  const keys = [
    ...new Set([...Object.keys(r.idle ?? {}), ...Object.keys(r.drained.values), ...sampledProcessKeys]),
  ];
  return table(
    `Soak: the server before the load, during it, and ${num(r.drained.afterSec, 0)} s after the last bot left`,
    ['series', 'before load', 'during load (mean)', 'after'],
    keys.map((k) => [
      k,
      num(r.idle?.[k] ?? (r.idle && k.startsWith('server.resources.') ? 0 : null)),
      num(r.trends.find((t) => t.key === k)?.mean ?? null),
      num(r.drained.values[k] ?? (k.startsWith('server.resources.') ? 0 : null)),
    ]),
  );
}

/** Groups of series plotted together (same unit and scale). */
const GROUPS: Array<{ title: string; y: string; match: (key: string) => boolean }> = [
  { title: 'Memory', y: 'MB', match: (k) => k.endsWith('MB') },
  {
    title: 'Server: sockets, active resources (total, TCP sockets, referenced timers)',
    y: 'count',
    match: (k) =>
      [
        'server.sockets',
        'server.resources.total',
        'server.resources.TCPSocketWrap',
        'server.resources.Timeout',
      ].includes(k),
  },
  {
    title: 'mediasoup objects per worker (from its dump)',
    y: 'count',
    match: (k) => /^worker\d+\.(transports|producers|consumers)$/.test(k),
  },
  { title: 'Worker channel handlers', y: 'count', match: (k) => /^worker\d+\.channelHandlers$/.test(k) },
  {
    title: 'Database rows and Redis keys',
    y: 'rows / keys',
    match: (k) => k.startsWith('db.') || k.startsWith('redis.'),
  },
  { title: 'Load: bots in rooms', y: 'bots', match: (k) => k === 'load.inRoom' },
  {
    title: 'Load: joins and chat messages acknowledged (cumulative)',
    y: 'count',
    match: (k) => k === 'load.joins' || k === 'load.chatAcked',
  },
];

export function renderSoakHtml(r: SoakPhaseResult, text: string): string {
  const points = seriesPoints(r.samples);
  const band = { from: 0, to: r.warmupMinutes, label: 'warm-up (not in the slopes)' };
  const charts = GROUPS.map((g) => {
    const series: Series[] = [...points]
      .filter(([k]) => g.match(k))
      .map(([name, ps]) => ({ name, points: ps.map((p) => [p.t, p.value] as [number, number]) }));
    return lineChart({ title: g.title, xLabel: 'minutes', yLabel: g.y, series, band });
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>MiniMeet soak ${escapeXml(r.startedAt)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;max-width:1600px}pre{background:#f8fafc;padding:12px;overflow:auto;font-size:12px}</style></head>
<body><h1>MiniMeet soak run, ${escapeXml(r.startedAt)}</h1>
<pre>${escapeXml(text)}</pre>
${charts.join('\n')}
</body></html>
`;
}
