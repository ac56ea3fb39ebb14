/** report.html: one self-contained page (inline CSS + SVG, no script, nothing fetched). */
import type { BotReport, Percentiles } from './report-types.js';
import { barChart, escapeXml as esc, histogramBars, lineChart, type Series } from './svg-charts.js';
import { verdict } from './verdict.js';

const CSS = `
body{font-family:system-ui,sans-serif;margin:24px;color:#111;max-width:1600px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.meta{color:#555;font-size:13px}.ok{color:#15803d;font-weight:600}.fail{color:#b91c1c;font-weight:600}
table{border-collapse:collapse;font-size:13px;margin:4px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f3f4f6}td:first-child,th:first-child{text-align:left}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(770px,1fr));gap:12px}
.grid svg{border:1px solid #e5e7eb;border-radius:4px}
ul{font-size:13px}`;

const num = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined ? '–' : Number(v.toFixed(digits)).toLocaleString('en-US');

function pctRow(name: string, p: Percentiles) {
  const full = p;
  return `<tr><td>${esc(name)}</td><td>${num(p.p50)}</td><td>${num(p.p95)}</td><td>${num(p.p99)}</td><td>${num(full.max)}</td><td>${full.count ?? ''}</td></tr>`;
}

export function renderHtml(report: BotReport): string {
  const s = report.summary;
  const v = verdict(report);
  const o = report.options;
  const band = { from: report.steadyFromSec, to: report.steadyToSec, label: 'steady phase' };
  const tl = report.timeline;

  const bitrate: Series[] = [
    { name: 'received by bots (kbit/s)', points: tl.map((x) => [x.t, x.bitrateKbps]) },
  ];
  const sfuIn = report.server.samples.filter((x) => x.bitrateInKbps !== null);
  if (sfuIn.length) {
    bitrate.push({ name: 'SFU in', points: sfuIn.map((x) => [x.t, x.bitrateInKbps!]) });
    bitrate.push({ name: 'SFU out', points: sfuIn.map((x) => [x.t, x.bitrateOutKbps!]) });
  }
  const pids = [...new Set(report.server.samples.flatMap((x) => x.workers.map((w) => w.pid)))];
  const cpu: Series[] = pids.map((pid) => ({
    name: `worker ${pid}`,
    points: report.server.samples.flatMap((x) => {
      const w = x.workers.find((w) => w.pid === pid);
      return w && w.cpuPercent !== null ? [[x.t, w.cpuPercent] as [number, number]] : [];
    }),
  }));
  const serverCpu = report.server.samples.flatMap((x) =>
    x.serverCpuPercent !== null ? [[x.t, x.serverCpuPercent] as [number, number]] : [],
  );
  if (serverCpu.length) cpu.push({ name: 'server process', points: serverCpu });

  const charts = [
    lineChart({
      title: 'Bitrate over time',
      xLabel: 'seconds since start',
      yLabel: 'kbit/s',
      series: bitrate,
      band,
    }),
    lineChart({
      title: 'Server CPU over time (% of one core)',
      xLabel: 'seconds since start',
      yLabel: 'CPU %',
      series: cpu,
      band,
    }),
    barChart({
      title: `Join latency (joinRoom → ack), ${report.samples.joinMs.length} bots`,
      xLabel: 'ms (bin start)',
      yLabel: 'bots',
      bars: histogramBars(report.samples.joinMs),
    }),
    barChart({
      title: 'Loss per room (RTP sequence gaps)',
      xLabel: 'room',
      yLabel: 'loss %',
      bars: report.rooms.map((r) => ({ label: String(r.room), value: Number(r.lossPercent.toFixed(3)) })),
      color: '#dc2626',
    }),
    barChart({
      title: `First RTP latency (producer announced → first packet), ${report.samples.firstRtpMs.length} streams`,
      xLabel: 'ms (bin start)',
      yLabel: 'streams',
      bars: histogramBars(report.samples.firstRtpMs),
      color: '#16a34a',
    }),
    lineChart({
      title: 'Bots joined and streams flowing',
      xLabel: 'seconds since start',
      yLabel: 'count',
      series: [
        { name: 'streams flowing', points: tl.map((x) => [x.t, x.streamsFlowing]) },
        { name: 'bots joined', points: tl.map((x) => [x.t, x.botsJoined]) },
      ],
      band,
    }),
  ];

  const roomRows = report.rooms
    .map(
      (r) =>
        `<tr><td>${r.room} (${esc(r.name)}, id ${r.roomId})</td><td>${r.botsJoined}</td><td>${r.receivedStreams}/${r.expectedStreams}</td><td>${r.expectedPackets}</td><td>${r.lostPackets}</td><td>${num(r.lossPercent, 3)}</td><td>${num(r.bitrateKbps)}</td></tr>`,
    )
    .join('');
  const workerRows = Object.keys(s.server.workerCpuPercentMean)
    .map(
      (pid) =>
        `<tr><td>worker ${pid}</td><td>${num(s.server.workerCpuPercentMean[pid])}</td><td>${num(s.server.workerCpuPercentMax[pid])}</td></tr>`,
    )
    .join('');
  const list = (items: string[]) =>
    items.length ? `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>` : '<p class="meta">none</p>';

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MiniMeet bot run ${esc(report.startedAt)}</title><style>${CSS}</style></head>
<body>
<h1>MiniMeet load test: ${s.bots} bots in ${report.rooms.length} rooms</h1>
<div class="meta">${esc(String(o.url))} · started ${esc(report.startedAt)} · ended ${esc(report.endedAt)} · steady ${num(report.steadyToSec - report.steadyFromSec)} s · ${o.audioOnly ? 'audio only' : 'audio + video'} · ramp ${esc(String(o.rampPerSec))}/s · chat ${esc(String(o.chatPerSec))}/s per bot · ${s.botProcesses.count} bot process(es)</div>
<p class="${v.ok ? 'ok' : 'fail'}">${v.ok ? 'PASS: every bot joined, every expected stream arrived, chat exact' : 'FAIL'}</p>
${v.ok ? '' : list(v.failures)}
<h2>Summary</h2>
<table><tr><th>measure</th><th>value</th></tr>
<tr><td>bots joined</td><td>${s.botsJoined}/${s.bots}</td></tr>
<tr><td>streams received</td><td>${s.receivedStreams}/${s.expectedStreams}</td></tr>
<tr><td>RTP packets expected / lost</td><td>${s.expectedPackets.toLocaleString('en-US')} / ${s.lostPackets.toLocaleString('en-US')} (${num(s.lossPercent, 3)} %)</td></tr>
<tr><td>mean / peak bitrate received (kbit/s)</td><td>${num(s.meanBitrateKbps)} / ${num(s.peakBitrateKbps)}</td></tr>
<tr><td>chat sent / delivered / lost / duplicated / refused</td><td>${s.chat.sent} / ${s.chat.received} / ${s.chat.lost} / ${s.chat.duplicated} / ${s.chat.refused}</td></tr>
<tr><td>errors</td><td>${s.errors}</td></tr>
<tr><td>bot event-loop delay p99, worst second (ms)</td><td>${num(s.botProcesses.loopDelayP99MsMax)}</td></tr>
</table>
<table><tr><th>latency (ms)</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>n</th></tr>
${pctRow('login', s.loginMs)}${pctRow('join ack', s.joinMs)}${pctRow('media ready', s.mediaReadyMs)}${pctRow('first RTP', s.firstRtpMs)}${pctRow('chat end-to-end', { p50: s.chat.p50Ms, p95: s.chat.p95Ms, p99: s.chat.p99Ms, max: s.chat.maxMs, count: s.chat.received })}
</table>
<h2>Plots</h2>
<div class="grid">${charts.join('\n')}</div>
<h2>Rooms</h2>
<table><tr><th>room</th><th>bots</th><th>streams</th><th>packets expected</th><th>lost</th><th>loss %</th><th>kbit/s (mean/stream)</th></tr>${roomRows}</table>
<h2>Server (${esc(s.server.source)}, steady phase)</h2>
<table><tr><th>process</th><th>mean CPU %</th><th>max CPU %</th></tr>${workerRows}
<tr><td>server process</td><td>${num(s.server.serverCpuPercentMean)}</td><td></td></tr>
<tr><td>server RSS max (MB)</td><td>${num(s.server.serverRssMbMax)}</td><td></td></tr></table>
${list(report.server.notes)}
<h2>Warnings</h2>${list(report.warnings)}
<h2>Errors (${report.errors.length})</h2>${list(report.errors.slice(0, 200).map((e) => `${e.t.toFixed(1)} s ${e.bot ?? ''}: ${e.message}`))}
</body></html>
`;
}
