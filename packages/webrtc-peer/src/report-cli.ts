/**
 * A peer for tests that run it in another process (e.g. inside a test host's network namespace):
 *   tsx packages/webrtc-peer/src/report-cli.ts --url <server> --room <id> --token <jwt> [--ice-tcp]
 * Prints one JSON line per 500 ms on stdout: `{ received: {"<userId>:<kind>": packets}, ice: [...] }`
 * (ice: each transport's selected candidate path). SIGTERM ends it.
 */
import { parseArgs } from 'node:util';
import { MiniMeetPeer } from './peer.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    room: { type: 'string' },
    token: { type: 'string' },
    'ice-tcp': { type: 'boolean', default: false },
  },
});

const peer = new MiniMeetPeer({
  url: values.url!,
  roomId: Number(values.room),
  token: values.token!,
  iceTcp: values['ice-tcp'],
  reconnection: false,
  log: (m) => console.error(`[peer] ${m}`),
});
const stop = async (code: number) => {
  await peer.close();
  process.exit(code);
};
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));

try {
  await peer.start();
} catch (err) {
  console.error(`[peer] start failed: ${err instanceof Error ? err.message : String(err)}`);
  await stop(1);
}
setInterval(() => {
  void peer.selectedIcePaths().then(
    (ice) => console.log(JSON.stringify({ received: peer.packetCounts(), ice })),
    (err: unknown) => console.error(`[peer] stats: ${String(err)}`),
  );
}, 500);
