/**
 * The benchmark's baseline: bare mediasoup + Socket.IO + node:http speaking MiniMeet's contract
 * (@minimeet/shared) with the same codecs and one WebRtcServer per worker, and nothing else —
 * no NestJS, no database, no password hashing or signed tokens, rooms in memory, chat is a
 * broadcast. `npm run bench` runs the same bots against it and against MiniMeet.
 *
 * Env: PORT (0 = any), HOST, MEDIASOUP_WORKERS (default: cores), MEDIASOUP_LISTEN_IP,
 * RTC_MIN_PORT/RTC_MAX_PORT, ADMIN_STATS_INTERVAL_MS, BASELINE_ROSTER (delta | full-list: the
 * pre-2.0 whole participant list to the room on every join and leave). Prints `listening <port>` when ready.
 */
import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import os from 'node:os';
import { AdminStats } from './admin-stats.js';
import { Directory } from './directory.js';
import { httpHandler } from './http-api.js';
import { BaselineMedia } from './media.js';
import { Signaling } from './signaling.js';

function intEnv(name: string, def: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`${name}: must be a non-negative integer (got "${raw}")`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const directory = new Directory();
  const http = createHttpServer();
  const roster = process.env.BASELINE_ROSTER || 'delta';
  if (roster !== 'delta' && roster !== 'full-list') {
    console.error(`BASELINE_ROSTER: delta or full-list (got "${roster}")`);
    process.exit(2);
  }
  const signaling = new Signaling(http, directory, roster);
  const media = await BaselineMedia.start(
    {
      workerCount: intEnv('MEDIASOUP_WORKERS', os.availableParallelism()) || 1,
      listenIp: process.env.MEDIASOUP_LISTEN_IP || '127.0.0.1',
      rtcMinPort: intEnv('RTC_MIN_PORT', 40000),
      rtcMaxPort: intEnv('RTC_MAX_PORT', 40099),
    },
    signaling,
  );
  const stats = new AdminStats(media, directory, intEnv('ADMIN_STATS_INTERVAL_MS', 2000) || 2000, (s) =>
    signaling.publishStats(s),
  );
  signaling.attach(media, stats);
  http.on('request', httpHandler(directory, media, stats));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(intEnv('PORT', 0), process.env.HOST || '127.0.0.1', resolve);
  });
  stats.start();
  console.log(`listening ${(http.address() as AddressInfo).port}`);

  const shutdown = () => {
    stats.stop();
    void signaling.io.close();
    media.close();
    http.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error('[baseline] failed to start:', err);
  process.exit(1);
});
