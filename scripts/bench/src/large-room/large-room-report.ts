/** The large-room phase as text tables and as a self-contained HTML page (inline SVG, no script). */
import { escapeXml as esc, lineChart, type Series } from '../../../bots/src/svg-charts.js';
import { table, type Cell } from '../table.js';
import type { LargeRoomResult, SizeRun } from './large-room-result.js';

const TOPOLOGY = { oneNode: '1 node', twoNodes: '2 nodes' } as const;
const f = (v: number | null | undefined, digits = 1): Cell => (v == null ? null : v.toFixed(digits));

const HEADERS = [
  'setup',
  'receivers',
  'joined',
  'page+loud ok',
  'first frame p95 ms',
  'signaling B/join',
  'consumers',
  'bound',
  'server CPU %/participant',
  'worker µs/pkt',
  'RSS MB',
  'MB/participant',
  'loss %',
  'pkt/s per rx',
  'result',
];

function row(r: SizeRun, setup: string): Cell[] {
  return [
    setup,
    r.receivers,
    `${r.joined}/${r.receivers}`,
    r.joined ? `${Math.min(r.receiversWithPage, r.receiversWithLoudest)}/${r.joined}` : null,
    r.firstFrameMs.p95,
    f(r.signaling.bytesPerJoin, 0),
    r.consumers.held,
    r.design === 'paged' ? r.consumers.bound : null,
    f(r.serverCpu.percentPerParticipant, 2),
    f(r.workerUsPerPacket, 2),
    f(r.memory.rssMbDuring, 0),
    f(r.memory.mbPerParticipant, 2),
    f(r.loss.percent, 3),
    // Falls when the bench process (senders + receivers on one core) cannot keep the senders' rate.
    f(r.loss.receivedPerSec !== null && r.joined ? r.loss.receivedPerSec / r.joined : null, 0),
    r.held ? 'held' : r.skipped ? `skipped: ${r.stopReason}` : `stopped: ${r.stopReason}`,
  ];
}

export function largeRoomTables(r: LargeRoomResult): string {
  const p = r.plan;
  const paged = r.runs.filter((x) => x.design === 'paged' && p.sizes.includes(x.receivers));
  const sizes = table(
    `Large room: ${p.senders} senders (VP8 + Opus, ${p.speakers} speaking), light receivers each showing a page of ${p.pageSize} + the ${p.loudestK} loudest; ` +
      `fresh servers per size, 1 worker per node; CPU in % of one core`,
    HEADERS,
    paged.map((x) => row(x, `${TOPOLOGY[x.topology]}${x.attempt > 1 ? ' (again)' : ''}`)),
  );
  const compare = table(
    `Old design vs paged, same run, one node: old = baseline server (BASELINE_ROSTER=full-list: whole participant list to the room on every join) ` +
      `with light receivers consuming every producer; paged = MiniMeet, page of ${p.pageSize} + ${p.loudestK} loudest`,
    HEADERS,
    r.comparison.flatMap((c) => [
      ...(c.oldDesign ? [row(c.oldDesign, 'old design')] : []),
      ...(c.paged ? [row(c.paged, 'paged')] : []),
    ]),
  );
  const stops = r.outcomes
    .map(
      (o) =>
        `  ${TOPOLOGY[o.topology]}: largest held ${o.largestHeld ?? 'none'}` +
        (o.stoppedAt === null ? ` — ${o.stopReason}` : `; stopped at ${o.stoppedAt}: ${o.stopReason}`),
    )
    .join('\n');
  return [sizes, `Where it stopped:\n${stops}`, compare, r.verdict.line].join('\n\n');
}

function points(runs: SizeRun[], value: (r: SizeRun) => number | null): Array<[number, number]> {
  return runs.flatMap((r) => {
    const v = value(r);
    // Only sizes where everyone joined: a few joiners' figures are not that size's.
    return v === null || r.failedJoins > 0 ? [] : [[r.receivers, v] as [number, number]];
  });
}

export function renderLargeRoomHtml(
  r: LargeRoomResult,
  tablesText: string,
  meta: { startedAt: string },
): string {
  const bySetup = (design: SizeRun['design'], topology: SizeRun['topology']) =>
    [
      // The last attempt of each size.
      ...new Map(
        r.runs.filter((x) => x.design === design && x.topology === topology).map((x) => [x.receivers, x]),
      ).values(),
    ].sort((a, b) => a.receivers - b.receivers);
  const setups: Array<[string, SizeRun[]]> = [
    ['paged, 1 node', bySetup('paged', 'oneNode')],
    ['paged, 2 nodes', bySetup('paged', 'twoNodes')],
    ['old design, 1 node', bySetup('oldDesign', 'oneNode')],
  ];
  const chart = (title: string, yLabel: string, value: (x: SizeRun) => number | null) =>
    lineChart({
      title,
      xLabel: 'receivers',
      yLabel,
      series: setups
        .map(([name, runs]): Series => ({ name, points: points(runs, value) }))
        .filter((s) => s.points.length),
    });
  const charts = [
    chart('Signaling bytes per join (bystander)', 'bytes', (x) => x.signaling.bytesPerJoin),
    chart('Consumers on the server(s)', 'consumers', (x) => x.consumers.held),
    chart('Join → first frame p95', 'ms', (x) => x.firstFrameMs.p95),
    chart('Server CPU per participant', '% of one core', (x) => x.serverCpu.percentPerParticipant),
    chart('Worker CPU per forwarded packet', 'µs', (x) => x.workerUsPerPacket),
    chart('Server memory per participant', 'MiB', (x) => x.memory.mbPerParticipant),
    chart('Receive loss', '%', (x) => x.loss.percent),
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>MiniMeet large-room benchmark</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#111;max-width:1600px}h1{font-size:20px}
pre{font-size:12px;background:#f6f8fa;padding:8px;overflow-x:auto}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(770px,1fr));gap:12px}
.grid svg{border:1px solid #e5e7eb;border-radius:4px}.verdict{font-weight:600}</style></head><body>
<h1>MiniMeet large-room benchmark</h1>
<p>${esc(meta.startedAt)}${r.plan.quick ? ' · quick mode' : ''}</p>
<p class="verdict">${esc(r.verdict.line)}</p>
<div class="grid">${charts.join('')}</div>
<pre>${esc(tablesText)}</pre>
</body></html>
`;
}
