/**
 * npm run bots -- --url http://host:3000 --rooms R --peers P --duration S [--audio-only]
 *   [--ramp N/s] [--chat M/s] [--out DIR] …   (--help explains every option)
 * Exit codes: 0 pass, 1 the run failed its checks (see verdict.ts), 2 bad options or setup error.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS } from './options.js';
import { BotOptionsError, defaultOutDir, formatSummary, runBots, verdict, writeReport } from './run-bots.js';

const HELP = `MiniMeet load-test bots: each bot is a real WebRTC peer (ICE/DTLS/SRTP) that sends looped
VP8 + Opus clips, consumes every other producer in its room and measures what arrives.

usage: npm run bots -- [options]

  --url URL            server base URL (default ${DEFAULTS.url})
  --rooms R            number of rooms (default ${DEFAULTS.rooms}); named <prefix>-room-<n>, reused if they exist
  --peers P            bots per room, at least 2 (default ${DEFAULTS.peers}); users <prefix>_r<room>_p<peer>,
                       registered on first use and reused afterwards
  --light-receivers L  light receive-only bots per room (default 0), users <prefix>_r<room>_l<n>: ICE + DTLS,
                       RTP headers counted without decrypting, no RTCP sent (loss is raw, nothing repaired);
                       they receive every peer's streams and send nothing. Peers + light receivers must fit
                       the server's ROOM_MAX_PARTICIPANTS_LIMIT (GET /api/rooms/limits; default 200)
  --audio-k K          the server's AUDIO_LOUDEST_K (default 3): each receiver gets K microphones (the
                       loudest; bots are silent, so the first K), that many audio streams are expected
  --duration S         seconds of steady load after the last bot joined (default ${DEFAULTS.durationSec});
                       the ramp comes before, ~2 s of chat drain and shutdown after
  --audio-only         send Opus only (no VP8 video)
  --simulcast          not supported by the Node peer (werift sends one RTP stream per sender):
                       refused with an error rather than silently ignored
  --ramp N/s           bots started per second (default ${DEFAULTS.rampPerSec}/s), e.g. --ramp 10/s
  --login-first        log every bot in (4 at a time) before the first joins, so password hashing on
                       the server does not compete with the joins and media being measured
  --chat M/s           chat messages per second per bot during the steady phase (default off);
                       every bot checks it gets each message of its room exactly once. The server's
                       default limit is 30 messages / 10 s per user (CHAT_RATE_LIMIT, CHAT_RATE_WINDOW_MS)
  --out DIR            where report.json and report.html go (default bench-results/<timestamp>)
  --prefix NAME        user/room name prefix (default ${DEFAULTS.namePrefix}); separate runs with different prefixes
  --password PW        bot users' password (default ${DEFAULTS.password})
  --admin-user NAME    an admin (npm run admin -- create NAME) to read GET /api/admin/stats; without it, or
                       when that route is missing, worker CPU comes from GET /api/health
  --admin-password PW  the admin's password (default: env MINIMEET_ADMIN_PASSWORD, else --password)
  --processes N        bot processes to spread the rooms over, whole rooms each (default ${DEFAULTS.processes}:
                       on 2 cores it joined 40 bots faster than 1 process, see scripts/bots/README.md)
  --no-progress        no live status line
  -h, --help           this text

The run fails (exit 1) when a bot did not join, an expected stream never delivered a packet, or
chat lost or duplicated a message. Auth is rate limited per address (AUTH_RATE_LIMIT per minute,
default 20): for more bots, start the server with a higher AUTH_RATE_LIMIT or the bots wait out 429s.
Sockets are capped per address too (MAX_SOCKETS_PER_IP, default 50; SOCKET_HANDSHAKES_PER_MINUTE,
default 120): raise both for more bots from one machine.`;

function rate(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*s)?\s*$/.exec(raw);
  if (!m) throw new BotOptionsError(`--${name} expects a rate like 5/s or 5 (got "${raw}")`);
  return Number(m[1]);
}

function int(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()))
    throw new BotOptionsError(`--${name} expects a number (got "${raw}")`);
  return v;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        rooms: { type: 'string' },
        peers: { type: 'string' },
        'light-receivers': { type: 'string' },
        'audio-k': { type: 'string' },
        duration: { type: 'string' },
        'audio-only': { type: 'boolean' },
        simulcast: { type: 'boolean' },
        ramp: { type: 'string' },
        'login-first': { type: 'boolean' },
        chat: { type: 'string' },
        out: { type: 'string' },
        prefix: { type: 'string' },
        password: { type: 'string' },
        'admin-user': { type: 'string' },
        'admin-password': { type: 'string' },
        processes: { type: 'string' },
        'no-progress': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(
      `${err instanceof Error ? err.message : String(err)}\nnpm run bots -- --help lists the options`,
    );
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  // npm run -w scripts changes directory: paths are relative to where the command was typed.
  const base = process.env.INIT_CWD ?? process.cwd();
  const outDir = path.resolve(base, values.out ?? defaultOutDir());
  const abort = new AbortController();
  let interruptedAt = 0;
  const onSignal = () => {
    // npm forwards the terminal's Ctrl-C too: the same keypress may arrive twice.
    if (interruptedAt) {
      if (Date.now() - interruptedAt > 1000) process.exit(130);
      return;
    }
    interruptedAt = Date.now();
    console.error('\ninterrupted: stopping the bots and writing the report (Ctrl-C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let report;
  try {
    report = await runBots({
      url: values.url ?? DEFAULTS.url,
      rooms: int('rooms', values.rooms) ?? DEFAULTS.rooms,
      peers: int('peers', values.peers) ?? DEFAULTS.peers,
      lightReceivers: int('light-receivers', values['light-receivers']),
      audioLoudestK: int('audio-k', values['audio-k']),
      durationSec: int('duration', values.duration) ?? DEFAULTS.durationSec,
      audioOnly: values['audio-only'],
      simulcast: values.simulcast,
      rampPerSec: rate('ramp', values.ramp),
      loginFirst: values['login-first'],
      chatPerSec: rate('chat', values.chat),
      namePrefix: values.prefix,
      password: values.password,
      adminUsername: values['admin-user'],
      adminPassword: values['admin-password'] ?? process.env.MINIMEET_ADMIN_PASSWORD,
      processes: int('processes', values.processes),
      progress: !values['no-progress'],
      signal: abort.signal,
      onWarning: (m) => console.warn(`warning: ${m}`),
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(err instanceof BotOptionsError ? `bad option: ${message}` : `bot run failed: ${message}`);
    return 2;
  }
  const { jsonPath, htmlPath } = writeReport(report, outDir);
  console.log(`\n${formatSummary(report)}\n`);
  console.log(`report: ${jsonPath}\n        ${htmlPath}`);
  const v = verdict(report);
  if (v.ok) console.log('PASS: every bot joined, every expected stream arrived, chat exact');
  else console.log(`FAIL:\n  ${v.failures.join('\n  ')}`);
  return v.ok ? 0 : 1;
}

// Peers hold sockets and timers: leave explicitly once the report is written.
process.exit(await main());
