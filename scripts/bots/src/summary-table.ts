/** The table printed at the end of a run. */
import type { BotReport, Percentiles } from './report-types.js';

const cell = (v: number | string | null | undefined, w = 9) =>
  (v === null || v === undefined ? '–' : String(v)).padStart(w);

export function formatSummary(report: BotReport): string {
  const s = report.summary;
  const row = (
    name: string,
    p: Pick<Percentiles, 'p50' | 'p95' | 'p99'> & { max?: number | null; count?: number },
  ) => `${name.padEnd(22)}${cell(p.p50)}${cell(p.p95)}${cell(p.p99)}${cell(p.max)}${cell(p.count, 7)}`;
  const lines = [
    `${'latency (ms)'.padEnd(22)}${cell('p50')}${cell('p95')}${cell('p99')}${cell('max')}${cell('n', 7)}`,
    row('login', s.loginMs),
    row('join ack', s.joinMs),
    row('media ready', s.mediaReadyMs),
    row('first RTP', s.firstRtpMs),
    row('chat end-to-end', {
      p50: s.chat.p50Ms,
      p95: s.chat.p95Ms,
      p99: s.chat.p99Ms,
      max: s.chat.maxMs,
      count: s.chat.received,
    }),
    '',
    `bots joined        ${s.botsJoined}/${s.bots}`,
    `streams received   ${s.receivedStreams}/${s.expectedStreams}`,
    `RTP packets        expected ${s.expectedPackets}, lost ${s.lostPackets} (${s.lossPercent.toFixed(3)} %)`,
    `bitrate received   mean ${(s.meanBitrateKbps / 1000).toFixed(2)} Mbit/s (steady phase), peak ${(s.peakBitrateKbps / 1000).toFixed(2)} Mbit/s`,
    `chat               sent ${s.chat.sent}, delivered ${s.chat.received}, lost ${s.chat.lost}, duplicated ${s.chat.duplicated}, refused ${s.chat.refused}`,
    `errors             ${s.errors}`,
    `bot processes      ${s.botProcesses.count}, worst event-loop delay p99 ${s.botProcesses.loopDelayP99MsMax ?? '–'} ms`,
  ];
  const workers = Object.keys(s.server.workerCpuPercentMean);
  if (workers.length || s.server.serverCpuPercentMean !== null)
    lines.push(
      `server (${s.server.source})  ` +
        workers
          .map(
            (pid) =>
              `worker ${pid} ${s.server.workerCpuPercentMean[pid]}% mean / ${s.server.workerCpuPercentMax[pid]}% max`,
          )
          .join(', ') +
        (s.server.serverCpuPercentMean !== null
          ? `; server process ${s.server.serverCpuPercentMean}% mean`
          : '') +
        (s.server.serverRssMbMax !== null ? `, RSS max ${s.server.serverRssMbMax} MB` : ''),
    );
  else lines.push(`server             no figures (${report.server.notes.join('; ') || 'none'})`);
  const worstRooms = [...report.rooms].sort((a, b) => b.lossPercent - a.lossPercent).slice(0, 3);
  if (worstRooms.length)
    lines.push(
      `worst rooms (loss) ${worstRooms.map((r) => `room ${r.room} ${r.lossPercent.toFixed(3)} %`).join(', ')}`,
    );
  return lines.join('\n');
}
