/**
 * Runs a Node WebRTC peer (@minimeet/webrtc-peer's report-cli.ts) inside a test host and follows
 * its JSON reports: what it receives per remote user and kind, and each transport's ICE path.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { IcePath } from '@minimeet/webrtc-peer';
import type { TestHost } from './test-hosts.js';

const requireHere = createRequire(import.meta.url);
const REPORT_CLI = path.join(
  path.dirname(requireHere.resolve('@minimeet/webrtc-peer/package.json')),
  'src/report-cli.ts',
);
const TSX_CLI = requireHere.resolve('tsx/cli');

export interface PeerReport {
  /** Packets received per `${userId}:${kind}`. */
  received: Record<string, number>;
  ice: Array<{ direction: 'send' | 'recv'; path: IcePath | undefined }>;
}

export interface ReportingPeer {
  latest(): PeerReport | undefined;
  /** stderr so far (the peer's log), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export function startReportingPeer(
  host: TestHost,
  opts: { url: string; roomId: number; token: string; iceTcp?: boolean },
): ReportingPeer {
  const args = [TSX_CLI, REPORT_CLI, '--url', opts.url, '--room', String(opts.roomId), '--token', opts.token];
  if (opts.iceTcp) args.push('--ice-tcp');
  const child = host.spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let latest: PeerReport | undefined;
  let buffered = '';
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buffered += d;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      try {
        latest = JSON.parse(line) as PeerReport;
      } catch {
        log += `${line}\n`;
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    latest: () => latest,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await closed;
      clearTimeout(timer);
    },
  };
}
