/** Turns the phase results into the ratios and the printed tables. */
import type { LoadResult } from './bot-load.js';
import type { CapacityResult, ChatPhaseResult } from './phases.js';
import type { Pinning } from './pinning.js';
import { ratio, round } from './stats.js';
import { table } from './table.js';
import type { ServerKind } from './servers.js';

/** A video stream's packet rate used to turn µs/packet into consumers per core. */
export const VIDEO_EQUIVALENT_PPS = 100;

export interface Ratios {
  /** join→first-RTP p95, ours / baseline. */
  joinToFirstRtpP95: number | null;
  /** Server process + workers CPU per forwarded stream, ours / baseline. */
  serverCpuPerStream: number | null;
  /** Worker CPU per forwarded packet (getResourceUsage / consumer packets), ours / baseline. */
  workerUsPerPacket: number | null;
  /** Chat: p99 delivery latency, ours (persisted on MariaDB) / baseline (broadcast). */
  chatDeliveryP99: number | null;
  /** Chat: acked messages per second, ours / baseline (same offered load). */
  chatMessagesPerSec: number | null;
}

export interface CapacitySummary {
  best: {
    rooms: number;
    consumersHeld: number | null;
    lossPercent: number;
    joinToFirstRtpP95Ms: number | null;
  } | null;
  stopReason: string;
  /** Consumers held at the best step per core the server was given (pinned: 1). */
  consumersPerServerCoreHeld: number | null;
  /** Consumers per fully busy worker core, extrapolated linearly from the best step's worker CPU. */
  consumersPerWorkerCoreExtrapolated: number | null;
  /** Where the CPU went at the best step, in cores. */
  cpu: { workers: number; serverProcess: number; bots: number } | null;
  workerUsPerPacket: number | null;
  /** 1e6 / (µs per packet × 100 packets/s). */
  impliedVideoConsumersPerCore: number | null;
}

export function capacitySummary(c: CapacityResult, serverCores: number): CapacitySummary {
  const b = c.best;
  // The per-packet figure from the step with the most packets (the best estimate), passed or not.
  const richest = [...c.steps].sort(
    (x, y) => (y.window.consumerPackets ?? 0) - (x.window.consumerPackets ?? 0),
  )[0];
  const us = b?.window.workerUsPerPacket ?? richest?.window.workerUsPerPacket ?? null;
  const held = b?.window.consumersHeld ?? null;
  return {
    best: b
      ? {
          rooms: b.spec.rooms,
          consumersHeld: held,
          lossPercent: b.lossPercent,
          joinToFirstRtpP95Ms: b.joinToFirstRtpMs.p95,
        }
      : null,
    stopReason: c.stopReason,
    consumersPerServerCoreHeld: held === null ? null : held / serverCores,
    consumersPerWorkerCoreExtrapolated:
      held !== null && b && b.window.workerCores > 0 ? round(held / b.window.workerCores, 0) : null,
    cpu: b
      ? { workers: b.window.workerCores, serverProcess: b.window.serverCores, bots: b.window.botCores }
      : null,
    workerUsPerPacket: round(us, 2),
    impliedVideoConsumersPerCore: us ? round(1e6 / (us * VIDEO_EQUIVALENT_PPS), 0) : null,
  };
}

export function ratios(
  overhead: Record<ServerKind, LoadResult> | undefined,
  chat: ChatPhaseResult | undefined,
): Ratios {
  const o = overhead;
  const m = chat?.minimeet ?? null;
  return {
    joinToFirstRtpP95: round(ratio(o?.minimeet.joinToFirstRtpMs.p95, o?.baseline.joinToFirstRtpMs.p95), 3),
    serverCpuPerStream: round(
      ratio(o?.minimeet.serverCpuMsPerSecPerStream, o?.baseline.serverCpuMsPerSecPerStream),
      3,
    ),
    workerUsPerPacket: round(
      ratio(o?.minimeet.window.workerUsPerPacket, o?.baseline.window.workerUsPerPacket),
      3,
    ),
    chatDeliveryP99: round(ratio(m?.deliveryMs.p99, chat?.baseline.deliveryMs.p99), 3),
    chatMessagesPerSec: round(ratio(m?.ackedPerSec, chat?.baseline.ackedPerSec), 3),
  };
}

const r2 = (v: number | null | undefined) => round(v, 2);
const r3 = (v: number | null | undefined) => round(v, 3);

export function overheadTable(o: Record<ServerKind, LoadResult>): string {
  const rows = (['minimeet', 'baseline'] as const).map((k) => {
    const x = o[k];
    return [
      k,
      `${x.botsJoined}/${x.bots}`,
      `${x.receivedStreams}/${x.expectedStreams}`,
      r3(x.lossPercent),
      x.joinAckMs.p95,
      x.joinToFirstRtpMs.p50,
      x.joinToFirstRtpMs.p95,
      r3(x.window.serverCores),
      r3(x.window.workerCores),
      r3(x.window.botCores),
      r3(x.window.otherCoresOnServerCpus),
      r3(x.serverCpuMsPerSecPerStream),
      r2(x.window.workerUsPerPacket),
    ];
  });
  return table(
    `Overhead: same bot load (${o.minimeet.spec.rooms} rooms × ${o.minimeet.spec.peers} peers, audio+video, ${o.minimeet.spec.durationSec} s steady window, ${o.minimeet.runs} interleaved run(s) each, pooled)`,
    [
      'server',
      'bots',
      'streams',
      'loss %',
      'join ack p95 ms',
      'join→1st RTP p50',
      'p95 ms',
      'server proc cores',
      'worker cores',
      'bot cores',
      'other load on server CPU',
      'server CPU ms/s per stream',
      'worker µs/pkt',
    ],
    rows.map((r) => r.map((c) => (typeof c === 'number' ? String(c) : c))),
  );
}

export function capacityTable(kind: ServerKind, c: CapacityResult): string {
  return table(
    `Capacity ramp: ${kind} (rooms of ${c.steps[0]?.spec.peers ?? '?'}; stop: ${c.stopReason})`,
    [
      'rooms',
      'consumers',
      'loss %',
      'join→1st RTP p95 ms',
      'worker cores',
      'server proc cores',
      'bot cores',
      'other load on server CPU',
      'worker µs/pkt',
      'held',
    ],
    c.steps.map((s) => [
      s.spec.rooms,
      s.window.consumersHeld,
      String(r3(s.lossPercent)),
      s.joinToFirstRtpMs.p95,
      String(r3(s.window.workerCores)),
      String(r3(s.window.serverCores)),
      String(r3(s.window.botCores)),
      String(r3(s.window.otherCoresOnServerCpus)),
      String(r2(s.window.workerUsPerPacket)),
      s.passed ? 'yes' : 'no',
    ]),
  );
}

export function capacitySummaryTable(s: Record<ServerKind, CapacitySummary>): string {
  return table(
    'Capacity summary (at the highest step held)',
    [
      'server',
      'rooms',
      'consumers held',
      'per server core',
      'per busy worker core (extrap.)',
      'CPU: workers / server proc / bots (cores)',
      'worker µs/pkt',
      `implied consumers/core @${VIDEO_EQUIVALENT_PPS} pkt/s`,
    ],
    (['minimeet', 'baseline'] as const).map((k) => {
      const x = s[k];
      return [
        k,
        x.best?.rooms ?? null,
        x.best?.consumersHeld ?? null,
        x.consumersPerServerCoreHeld,
        x.consumersPerWorkerCoreExtrapolated,
        x.cpu ? `${r3(x.cpu.workers)} / ${r3(x.cpu.serverProcess)} / ${r3(x.cpu.bots)}` : null,
        x.workerUsPerPacket === null ? null : String(x.workerUsPerPacket),
        x.impliedVideoConsumersPerCore,
      ];
    }),
  );
}

export function chatTable(c: ChatPhaseResult): string {
  const rows = [];
  if (c.minimeet) {
    const m = c.minimeet;
    rows.push([
      'minimeet (MariaDB)',
      r2(m.offeredPerSec),
      m.sent,
      m.acked,
      m.refused,
      m.persisted,
      r2(m.persistedPerSec),
      `${m.delivered}/${m.expectedDeliveries}`,
      m.deliveryMs.p50,
      m.deliveryMs.p99,
      m.ackMs.p99,
      r3(m.serverCores),
      round(m.messagesPerServerCore, 0),
    ]);
  }
  const b = c.baseline;
  rows.push([
    'baseline (broadcast)',
    r2(b.offeredPerSec),
    b.sent,
    b.acked,
    b.refused,
    'n/a',
    r2(b.ackedPerSec),
    `${b.delivered}/${b.expectedDeliveries}`,
    b.deliveryMs.p50,
    b.deliveryMs.p99,
    b.ackMs.p99,
    r3(b.serverCores),
    round(b.messagesPerServerCore, 0),
  ]);
  const spec = b.spec;
  return table(
    `Chat: ${spec.rooms} rooms × ${spec.usersPerRoom} users × ${spec.perUserPerSec} msg/s each, ${spec.durationSec} s${c.skipped ? ` (MiniMeet skipped: ${c.skipped})` : ''}`,
    [
      'server',
      'offered/s',
      'sent',
      'acked',
      'refused',
      'rows in DB',
      'msgs/s',
      'delivered',
      'e2e p50 ms',
      'e2e p99 ms',
      'ack p99 ms',
      'server cores',
      'msgs/s per core (extrap.)',
    ],
    rows.map((r) => r.map((x) => (typeof x === 'number' ? String(x) : x))),
  );
}

export function ratiosTable(r: Ratios, pinning: Pinning): string {
  const show = (v: number | null) => (v === null ? '–' : `${v.toFixed(2)}×`);
  return table(
    `Ratios ours/baseline (pinning: ${pinning.note})`,
    ['figure', 'ours / baseline'],
    [
      ['join→first-RTP p95', show(r.joinToFirstRtpP95)],
      ['server CPU (process + workers) per forwarded stream', show(r.serverCpuPerStream)],
      ['worker CPU per forwarded packet', show(r.workerUsPerPacket)],
      ['chat e2e p99 (MariaDB-persisted vs broadcast)', show(r.chatDeliveryP99)],
      ['chat messages/s at the same offered load', show(r.chatMessagesPerSec)],
    ],
  );
}
