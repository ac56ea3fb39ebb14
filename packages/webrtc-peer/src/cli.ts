/**
 * npm run peer -w scripts -- --url http://127.0.0.1:3000 --room 1 [--user name] [--password pw]
 *   [--no-audio] [--no-video] [--seconds N]
 * Logs in (registering the user if needed), joins the room, sends the synthetic clip and prints
 * what it receives per remote stream every 2 s. Ctrl-C (or --seconds) ends it.
 */
import { parseArgs } from 'node:util';
import { MiniMeetPeer } from './peer.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    room: { type: 'string' },
    user: { type: 'string', default: `peer_${process.pid}` },
    password: { type: 'string', default: 'minimeet-peer-pw' },
    'no-audio': { type: 'boolean', default: false },
    'no-video': { type: 'boolean', default: false },
    seconds: { type: 'string' },
  },
});

const roomId = Number(values.room);
if (!Number.isInteger(roomId) || roomId < 1) {
  console.error(
    'usage: npm run peer -w scripts -- --url <server url> --room <room id> [--user u --password p]',
  );
  process.exit(2);
}

const peer = new MiniMeetPeer({
  url: values.url,
  roomId,
  username: values.user,
  password: values.password,
  audio: !values['no-audio'],
  video: !values['no-video'],
  log: (m) => console.log(`[peer] ${m}`),
});

const stop = async (code: number) => {
  await peer.close();
  process.exit(code);
};
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  await peer.start();
} catch (err) {
  console.error(`[peer] start failed: ${err instanceof Error ? err.message : String(err)}`);
  await stop(1);
}
console.log(`[peer] in room ${roomId}, sending ${[...peer.producers.keys()].join(' + ') || 'nothing'}`);
const timer = setInterval(() => {
  const lines = peer.openStreams().map((s) => `user ${s.userId} ${s.kind}: ${s.packets} pkts ${s.bytes} B`);
  console.log(`[peer] ${lines.length} streams${lines.length ? '\n  ' + lines.join('\n  ') : ''}`);
}, 2000);
if (values.seconds) {
  setTimeout(
    () => {
      clearInterval(timer);
      void stop(0);
    },
    Number(values.seconds) * 1000,
  );
}
