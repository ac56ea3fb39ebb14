/**
 * Issue 19 item 6 measurement (not a test): CPU per receiver of light receive-only bots
 * (LightReceiver: ICE + DTLS, RTP headers read from SRTP) against full werift peers that only
 * receive (MiniMeetPeer, decrypt + depacketize), on one fresh server.
 *
 *   npm run bench:light-bots -w scripts -- [--receivers N] [--seconds S] [--out DIR]
 *
 * Three phases in this one process with the same 2 full senders (audio + video) throughout:
 * senders only (the baseline), + N light receivers, + N full receivers. Bot CPU per receiver =
 * (this process's CPU in the phase − baseline) / N; server CPU (Node process + mediasoup
 * workers, /proc) the same way. Prints a table and writes light-bots.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOM_MAX_PARTICIPANTS } from '@minimeet/shared';
import { authenticate, LightReceiver, MiniMeetPeer, type ReceivedStream } from '@minimeet/webrtc-peer';
import { REPO_ROOT, startServer, waitFor } from '@minimeet/test-harness';
import { procStat, processTree } from './proc-cpu.js';
import { table } from './table.js';

const PASSWORD = 'light-bots-bench';
const SENDERS = 2;

interface Receiver {
  streams: ReceivedStream[];
  openStreams(): ReceivedStream[];
  close(): Promise<void>;
}

export interface PhaseResult {
  phase: 'senders only' | 'light receivers' | 'full receivers';
  receivers: number;
  seconds: number;
  /** This process (bots), % of one core. */
  botCpuPercent: number;
  /** Server Node process + its mediasoup workers, % of one core. */
  serverCpuPercent: number;
  /** (phase − baseline) / receivers, % of one core; null for the baseline. */
  botCpuPerReceiverPercent: number | null;
  serverCpuPerReceiverPercent: number | null;
  /** Over the receivers' streams during the measured window. */
  packets: number;
  lostPackets: number;
  /** Resident memory of this process at the end of the phase, MiB. */
  botRssMb: number;
}

function args(argv: string[]) {
  const o = {
    receivers: ROOM_MAX_PARTICIPANTS - SENDERS,
    seconds: 20,
    out: path.join(
      REPO_ROOT,
      'bench-results',
      `light-bots-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    ),
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--receivers' && v) o.receivers = Number(v);
    else if (argv[i] === '--seconds' && v) o.seconds = Number(v);
    else if (argv[i] === '--out' && v) o.out = path.resolve(process.env.INIT_CWD ?? process.cwd(), v);
    else throw new Error(`unknown option ${argv[i]} (--receivers N, --seconds S, --out DIR)`);
    i++;
  }
  const max = ROOM_MAX_PARTICIPANTS - SENDERS;
  if (!Number.isInteger(o.receivers) || o.receivers < 1 || o.receivers > max)
    throw new Error(
      `--receivers must be 1..${max} (a room holds ${ROOM_MAX_PARTICIPANTS}, ${SENDERS} senders)`,
    );
  if (!(o.seconds >= 3)) throw new Error('--seconds must be at least 3');
  return o;
}

const treeCpuMs = (pid: number) => processTree(pid).reduce((a, p) => a + (procStat(p)?.cpuMs ?? 0), 0);
const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sum = (rs: Receiver[], f: (s: ReceivedStream) => number) =>
  rs.reduce((a, r) => a + r.streams.reduce((b, s) => b + f(s), 0), 0);

async function main(): Promise<void> {
  const o = args(process.argv.slice(2));
  const server = await startServer({ env: { MEDIASOUP_WORKERS: '1', AUTH_RATE_LIMIT: '100000' } });
  const log = (m: string) => console.log(`[light-bots] ${m}`);
  try {
    const tag = Date.now().toString(36);
    const owner = await authenticate(server.url, `lb_owner_${tag}`, PASSWORD);
    const res = await fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `light-bots-${tag}`, maxParticipants: ROOM_MAX_PARTICIPANTS }),
    });
    if (!res.ok) throw new Error(`create room: ${res.status} ${await res.text()}`);
    const roomId = ((await res.json()) as { id: number }).id;
    const token = async (name: string) =>
      (await authenticate(server.url, `${name}_${tag}`, PASSWORD)).accessToken;

    const senders: MiniMeetPeer[] = [];
    for (let i = 0; i < SENDERS; i++) {
      const p = new MiniMeetPeer({ url: server.url, roomId, token: await token(`lb_s${i}`), consume: false });
      senders.push(p);
      await p.start();
    }
    const tokens = await Promise.all(Array.from({ length: o.receivers }, (_, i) => token(`lb_r${i}`)));
    const results: PhaseResult[] = [];
    /** `base`: the senders-only phase the receivers' cost is measured against. */
    const measure = async (phase: PhaseResult['phase'], receivers: Receiver[], base?: PhaseResult) => {
      // Every receiver gets all four streams before the window opens.
      if (receivers.length)
        await waitFor(
          () =>
            receivers.every((r) => r.openStreams().filter((s) => s.packets > 0).length === SENDERS * 2)
              ? true
              : undefined,
          60_000,
        );
      await new Promise((r) => setTimeout(r, 2000));
      const p0 = sum(receivers, (s) => s.packets);
      const l0 = sum(receivers, (s) => s.sequence.lost);
      const b0 = ownCpuMs();
      const s0 = treeCpuMs(server.pid);
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, o.seconds * 1000));
      const ms = performance.now() - t0;
      const bot = (100 * (ownCpuMs() - b0)) / ms;
      const srv = (100 * (treeCpuMs(server.pid) - s0)) / ms;
      const result: PhaseResult = {
        phase,
        receivers: receivers.length,
        seconds: Math.round(ms / 100) / 10,
        botCpuPercent: bot,
        serverCpuPercent: srv,
        botCpuPerReceiverPercent: base ? (bot - base.botCpuPercent) / receivers.length : null,
        serverCpuPerReceiverPercent: base ? (srv - base.serverCpuPercent) / receivers.length : null,
        packets: sum(receivers, (s) => s.packets) - p0,
        lostPackets: sum(receivers, (s) => s.sequence.lost) - l0,
        botRssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
      };
      results.push(result);
      log(`${phase}: bots ${bot.toFixed(1)} % CPU, server ${srv.toFixed(1)} %`);
      return result;
    };

    log(`senders only, ${o.seconds} s`);
    const base = await measure('senders only', []);

    log(`+ ${o.receivers} light receivers`);
    const light = tokens.map((t) => new LightReceiver({ url: server.url, roomId, token: t }));
    await Promise.all(light.map((r) => r.start()));
    await measure('light receivers', light, base);
    await Promise.all(light.map((r) => r.close()));
    await new Promise((r) => setTimeout(r, 2000));

    log(`+ ${o.receivers} full receivers`);
    const full = tokens.map(
      (t) => new MiniMeetPeer({ url: server.url, roomId, token: t, audio: false, video: false }),
    );
    for (const p of full) await p.start();
    await measure('full receivers', full, base);
    await Promise.all(full.map((p) => p.close()));
    for (const p of senders) await p.close();

    // Per-receiver figures are small: two decimals.
    const per = (v: number | null) => (v === null ? null : v.toFixed(2));
    const rows = results.map((r) => [
      r.phase,
      r.receivers,
      r.botCpuPercent,
      per(r.botCpuPerReceiverPercent),
      r.serverCpuPercent,
      per(r.serverCpuPerReceiverPercent),
      r.packets,
      r.lostPackets,
      r.botRssMb,
    ]);
    console.log(
      `\n${table(
        `light vs full receivers: ${SENDERS} senders (VP8 + Opus), ${o.seconds} s per phase, CPU in % of one core`,
        [
          'phase',
          'receivers',
          'bot CPU',
          'bot CPU/rx',
          'server CPU',
          'server CPU/rx',
          'packets',
          'lost',
          'bot RSS MB',
        ],
        rows,
      )}\n`,
    );
    mkdirSync(o.out, { recursive: true });
    const file = path.join(o.out, 'light-bots.json');
    writeFileSync(file, `${JSON.stringify({ senders: SENDERS, ...o, results }, null, 2)}\n`);
    log(`wrote ${file}`);
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`light-bots failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
