/**
 * Issue 19 item 6 measurement (`npm run bench -- --phases light-bots`, not a test): CPU per
 * receiver of light receive-only bots (LightReceiver: ICE + DTLS, RTP headers read from SRTP)
 * against full werift peers that only receive (MiniMeetPeer: decrypt + depacketize), on one
 * fresh MiniMeet server with one worker.
 *
 * Three phases in the bench process with the same 2 full senders (audio + video) throughout:
 * senders only (the baseline), + N light receivers, + N full receivers. Bot CPU per receiver =
 * (the bench process's CPU in the phase − baseline) / N; server CPU (Node process + mediasoup
 * worker, /proc) the same way.
 */
import { authenticate, LightReceiver, MiniMeetPeer, type ReceivedStream } from '@minimeet/webrtc-peer';
import { waitFor } from '@minimeet/test-harness';
import type { Pinning } from './pinning.js';
import { procStat, processTree } from './proc-cpu.js';
import { startServer } from './servers.js';
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

export interface LightBotsPlan {
  /** Receivers per kind (the room is made for them and the senders). */
  receivers: number;
  /** Measured seconds per phase. */
  seconds: number;
}

export interface LightBotsResult {
  plan: LightBotsPlan & { senders: number };
  phases: PhaseResult[];
}

export function lightBotsPlan(quick: boolean): LightBotsPlan {
  // 16: the room size this phase was measured at before rooms could grow (compare like with like).
  return quick ? { receivers: 6, seconds: 5 } : { receivers: 16 - SENDERS, seconds: 30 };
}

const treeCpuMs = (pid: number) => processTree(pid).reduce((a, p) => a + (procStat(p)?.cpuMs ?? 0), 0);
const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sum = (rs: Receiver[], f: (s: ReceivedStream) => number) =>
  rs.reduce((a, r) => a + r.streams.reduce((b, s) => b + f(s), 0), 0);

export async function lightBotsPhase(
  o: LightBotsPlan,
  pinning: Pinning,
  log: (line: string) => void,
): Promise<LightBotsResult> {
  const server = await startServer({
    kind: 'minimeet',
    cpus: pinning.serverCpus,
    workers: 1,
    statsIntervalMs: 1000,
  });
  try {
    const tag = Date.now().toString(36);
    const owner = await authenticate(server.url, `lb_owner_${tag}`, PASSWORD);
    const res = await fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `light-bots-${tag}`, maxParticipants: o.receivers + SENDERS }),
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
      log(`light-bots ${phase}: bots ${bot.toFixed(1)} % CPU, server ${srv.toFixed(1)} %`);
      return result;
    };

    log(`light-bots: 2 senders only, ${o.seconds} s`);
    const base = await measure('senders only', []);

    log(`light-bots: + ${o.receivers} light receivers`);
    const light = tokens.map((t) => new LightReceiver({ url: server.url, roomId, token: t }));
    await Promise.all(light.map((r) => r.start()));
    await measure('light receivers', light, base);
    await Promise.all(light.map((r) => r.close()));
    await new Promise((r) => setTimeout(r, 2000));

    log(`light-bots: + ${o.receivers} full receivers`);
    const full = tokens.map(
      (t) => new MiniMeetPeer({ url: server.url, roomId, token: t, audio: false, video: false }),
    );
    for (const p of full) await p.start();
    await measure('full receivers', full, base);
    await Promise.all(full.map((p) => p.close()));
    for (const p of senders) await p.close();
    return { plan: { ...o, senders: SENDERS }, phases: results };
  } finally {
    await server.stop();
  }
}

export function lightBotsTable(r: LightBotsResult): string {
  // Per-receiver figures are small: two decimals.
  const per = (v: number | null) => (v === null ? null : v.toFixed(2));
  return table(
    `Light vs full receivers: ${r.plan.senders} senders (VP8 + Opus), ${r.plan.seconds} s per phase, CPU in % of one core`,
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
    r.phases.map((p) => [
      p.phase,
      p.receivers,
      p.botCpuPercent,
      per(p.botCpuPerReceiverPercent),
      p.serverCpuPercent,
      per(p.serverCpuPerReceiverPercent),
      p.packets,
      p.lostPackets,
      p.botRssMb,
    ]),
  );
}
