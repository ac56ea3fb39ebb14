/** The exit-code rule of a bot run: every bot joined, every expected stream arrived, chat exact. */
import type { BotReport } from './report-types.js';

export function verdict(report: BotReport): { ok: boolean; failures: string[] } {
  const failures: string[] = [];
  const s = report.summary;
  const failed = report.bots.filter((b) => !b.joined);
  if (failed.length)
    failures.push(
      `${failed.length} of ${s.bots} bots did not join: ` +
        failed
          .slice(0, 5)
          .map((b) => `${b.username} (${b.failure ?? 'unknown'})`)
          .join(', ') +
        (failed.length > 5 ? ', …' : ''),
    );
  if (s.receivedStreams < s.expectedStreams || report.missingStreams.length)
    failures.push(
      `${s.expectedStreams - s.receivedStreams} of ${s.expectedStreams} expected streams never arrived: ` +
        report.missingStreams
          .slice(0, 5)
          .map((m) => `${m.receiver} ← ${m.sender} ${m.kind}`)
          .join(', ') +
        (report.missingStreams.length > 5 ? ', …' : ''),
    );
  if (s.expectedStreams > 0 && s.receivedStreams === 0 && s.botsJoined > 0)
    failures.push(
      'no media arrived at all although bots joined: are the ICE candidates the server announces reachable ' +
        'from the bots (MEDIASOUP_LISTEN_IP / MEDIASOUP_ANNOUNCED_ADDRESS)?',
    );
  if (s.chat.lost > 0) failures.push(`chat lost ${s.chat.lost} deliveries`);
  if (s.chat.duplicated > 0) failures.push(`chat duplicated ${s.chat.duplicated} deliveries`);
  return { ok: failures.length === 0, failures };
}
