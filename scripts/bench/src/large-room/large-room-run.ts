/**
 * One large-room measurement: fresh servers, one room, the senders (full werift peers, audio +
 * video, `speakers` of them loud), a bystander socket counting what it receives while the light
 * receivers join (spread over the nodes), then a steady window read from /proc and the servers'
 * GET /api/admin/stats. Never throws for a load that does not hold: the result says why.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RemoteProducer } from '@minimeet/shared';
import { authenticate, LightReceiver, MiniMeetPeer } from '@minimeet/webrtc-peer';
import { mapLimit } from '../../../bots/src/map-limit.js';
import type { Pinning } from '../pinning.js';
import { treeRssMb } from '../proc-cpu.js';
import { LoadSampler } from '../sampler.js';
import type { BenchServer } from '../servers.js';
import { percentiles } from '../stats.js';
import { Bystander } from './bystander.js';
import { pageOf, type Design, type LargeRoomPlan, type Topology } from './large-room-plan.js';
import { SetupUnavailable, startRoomServers } from './large-room-servers.js';
import type { SizeRun } from './large-room-result.js';
import { firstFrameMs, packetTotals, receiverState, type Expectation } from './receiver-checks.js';

const PASSWORD = 'large-room-bench';
/** After the last receiver settled, before the window opens. */
const SETTLE_MS = 2000;
/** Trailing batched deltas still counted after the last join. */
const DELTA_TAIL_MS = 600;
const CLOSE_TIMEOUT_MS = 10_000;
/**
 * Every receiver shares the bench's one event loop (and core) with the werift senders: 1 MiB of
 * socket buffer each rides out its stalls, so loss stays the SFU's and the path's, not the bench's.
 */
const UDP_RECEIVE_BUFFER_BYTES = 1 << 20;

type Log = (line: string) => void;

interface Rx {
  receiver: LightReceiver;
  expect: Expectation;
  started: boolean;
  failure: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms),
    ),
  ]);

export async function runLargeRoom(
  design: Design,
  topology: Topology,
  receivers: number,
  plan: LargeRoomPlan,
  pinning: Pinning,
  log: Log,
): Promise<SizeRun> {
  const label = `large-room ${design} ${topology} ${receivers} rx`;
  const result = emptyRun(design, topology, receivers, plan);
  let servers;
  try {
    servers = await startRoomServers(design, topology, receivers, plan, pinning);
  } catch (err) {
    result.stopReason = `${err instanceof SetupUnavailable ? 'skipped' : 'servers did not start'}: ${err instanceof Error ? err.message : String(err)}`;
    result.skipped = err instanceof SetupUnavailable;
    log(`${label}: ${result.stopReason}`);
    return result;
  }
  try {
    await measure(servers.nodes, design, receivers, plan, result, log, label);
  } catch (err) {
    result.stopReason = `run failed: ${err instanceof Error ? err.message : String(err)}`;
    log(`${label}: ${result.stopReason}`);
  } finally {
    const note = await servers.stop().catch((err: unknown) => String(err));
    if (note) result.notes.push(note);
  }
  result.held = result.stopReason === null;
  return result;
}

function emptyRun(design: Design, topology: Topology, receivers: number, plan: LargeRoomPlan): SizeRun {
  return {
    design,
    topology,
    receivers,
    senders: plan.senders,
    attempt: 1,
    participants: plan.senders + receivers + 1,
    held: false,
    skipped: false,
    stopReason: null,
    joined: 0,
    failedJoins: 0,
    receiversWithPage: 0,
    receiversWithLoudest: 0,
    settleSec: null,
    firstFrameMs: { p50: null, p95: null, count: 0 },
    signaling: { bytes: 0, messages: 0, joins: 0, bytesPerJoin: null, byEvent: {} },
    consumers: { held: null, max: null, bound: receivers * (plan.pageSize + plan.loudestK) + plan.senders },
    consumersPerReceiver: { video: null, audio: null },
    serverCpu: { cores: null, percentPerParticipant: null, workerCores: null },
    workerUsPerPacket: null,
    memory: { rssMbBefore: null, rssMbDuring: null, mbPerParticipant: null },
    loss: {
      percent: null,
      windowPercent: null,
      packets: 0,
      lost: 0,
      receivedPerSec: null,
      forwardedPerSec: null,
    },
    windowSec: null,
    botLoopDelayP99Ms: null,
    notes: [],
  };
}

async function measure(
  nodes: BenchServer[],
  design: Design,
  receivers: number,
  plan: LargeRoomPlan,
  result: SizeRun,
  log: Log,
  label: string,
): Promise<void> {
  const a = nodes[0]!;
  const tag = Date.now().toString(36);
  const nodeOf = (i: number) => nodes[i % nodes.length]!;
  const rssBefore = nodes.reduce((s, n) => s + treeRssMb(n.pid), 0);
  log(`${label}: logging in ${plan.senders + receivers + 1} users`);
  const login = (url: string, name: string) => authenticate(url, `${name}_${tag}`, PASSWORD);
  const senderAuth = await mapLimit(
    Array.from({ length: plan.senders }, (_, i) => i),
    4,
    (i) => login(a.url, `lr_s${i}`),
  );
  const bystanderAuth = await login(a.url, 'lr_by');
  const receiverAuth = await mapLimit(
    Array.from({ length: receivers }, (_, i) => i),
    4,
    (i) => login(nodeOf(i).url, `lr_r${i}`),
  );
  const res = await fetch(`${a.url}/api/rooms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${senderAuth[0]!.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `large-${tag}`, maxParticipants: result.participants }),
  });
  if (!res.ok) throw new Error(`create room: ${res.status} ${await res.text()}`);
  const roomId = ((await res.json()) as { id: number }).id;

  const samplers = nodes.map((n) => new LoadSampler(n, { serverPids: nodes.map((x) => x.pid) }));
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const senders: MiniMeetPeer[] = [];
  const rxs: Rx[] = [];
  let bystander: Bystander | undefined;
  for (const s of samplers) s.start();
  loop.enable();
  try {
    log(`${label}: ${plan.senders} senders (${plan.speakers} speaking)`);
    for (const [i, auth] of senderAuth.entries()) {
      const p = new MiniMeetPeer({ url: a.url, roomId, token: auth.accessToken, consume: false });
      // Distinct loud levels, so the K loudest are these speakers (the rest stay silent).
      if (i < plan.speakers) p.player.audioLevelDbov = -10 - 3 * i;
      senders.push(p);
      await withTimeout(p.start(), 30_000, `sender ${i} start`);
    }
    const senderIds = senderAuth.map((s) => s.user.id);
    const speakerIds = senderIds.slice(0, plan.speakers);
    bystander = await Bystander.join(a.url, bystanderAuth.accessToken, roomId);
    // Let the audio ranking see the speakers before anyone joins.
    await sleep(1500);

    for (const [i, auth] of receiverAuth.entries()) {
      const page =
        design === 'paged' ? pageOf(i, plan.senders, plan.pageSize).map((s) => senderIds[s]!) : senderIds;
      const shows = new Set(page);
      const receiver = new LightReceiver({
        url: nodeOf(i).url,
        roomId,
        token: auth.accessToken,
        udpReceiveBufferBytes: UDP_RECEIVE_BUFFER_BYTES,
        ...(design === 'paged' ? { showsVideo: (p: RemoteProducer) => shows.has(p.userId) } : {}),
      });
      receiver.on('error', (err) => {
        const note = `receiver error: ${err.message}`;
        if (result.notes.length < 10 && !result.notes.includes(note)) result.notes.push(note);
      });
      rxs.push({
        receiver,
        expect: { videoFrom: page, audioFrom: design === 'paged' ? speakerIds : senderIds },
        started: false,
        failure: null,
      });
    }

    log(`${label}: ${receivers} light receivers joining at ${plan.joinsPerSec}/s`);
    bystander.startCounting();
    const rampStart = Date.now();
    const budgetMs = plan.limits.settleBudgetSec * 1000;
    await Promise.all(
      rxs.map(async (rx, i) => {
        await sleep(rampStart + (i * 1000) / plan.joinsPerSec - Date.now());
        try {
          await withTimeout(rx.receiver.start(), Math.max(1000, rampStart + budgetMs - Date.now()), 'start');
          rx.started = true;
        } catch (err) {
          const step = rx.receiver.timings.joinAckAt ? 'after the join ack (media)' : 'joining';
          rx.failure = `${err instanceof Error ? err.message : String(err)} (${step}, node ${(i % nodes.length) + 1})`;
        }
      }),
    );
    await sleep(DELTA_TAIL_MS);
    const counts = bystander.stopCounting();
    result.joined = rxs.filter((r) => r.started).length;
    result.failedJoins = receivers - result.joined;
    result.signaling = {
      ...counts,
      joins: result.joined,
      bytesPerJoin: result.joined ? counts.bytes / result.joined : null,
    };
    for (const f of new Set(rxs.flatMap((r) => (r.failure ? [r.failure] : []))))
      result.notes.push(`join failed: ${f}`);
    log(
      `${label}: ${result.joined}/${receivers} joined in ${((Date.now() - rampStart) / 1000).toFixed(1)} s, bystander ${counts.bytes} B`,
    );
    // Too many failed joins stops the size, but the joined receivers are still measured.
    const joinStop =
      (100 * result.failedJoins) / receivers > plan.limits.failedJoinsPercent
        ? `${result.failedJoins} of ${receivers} joins failed`
        : null;
    if (!result.joined) {
      result.stopReason = joinStop ?? 'no receiver joined';
      return;
    }

    // Every joined receiver has its page and hears the speakers, within the budget.
    const joined = rxs.filter((r) => r.started);
    const states = () => joined.map((r) => receiverState(r.receiver.openStreams(), r.expect));
    let settled = false;
    while (Date.now() - rampStart < budgetMs) {
      const s = states();
      if (s.every((x) => x.pageOk && x.loudestOk)) {
        settled = true;
        break;
      }
      await sleep(250);
    }
    result.settleSec = settled ? (Date.now() - rampStart) / 1000 : null;
    if (!settled) {
      const s = states();
      result.receiversWithPage = s.filter((x) => x.pageOk).length;
      result.receiversWithLoudest = s.filter((x) => x.loudestOk).length;
      result.stopReason = `${joinStop ? `${joinStop}; ` : ''}after ${plan.limits.settleBudgetSec} s, ${result.receiversWithPage}/${joined.length} receivers had their page and ${result.receiversWithLoudest}/${joined.length} the loud speakers`;
      return;
    }
    await sleep(SETTLE_MS);

    const all = () => joined.flatMap((r) => r.receiver.streams);
    const p0 = packetTotals(all());
    loop.reset();
    const from = Date.now();
    await sleep(plan.windowSec * 1000);
    const to = Date.now();
    const p1 = packetTotals(all());
    result.botLoopDelayP99Ms = loop.percentile(99) / 1e6;
    result.memory.rssMbDuring = nodes.reduce((s, n) => s + treeRssMb(n.pid), 0);
    result.memory.rssMbBefore = rssBefore;
    result.memory.mbPerParticipant = (result.memory.rssMbDuring - rssBefore) / result.participants;

    const end = states();
    result.receiversWithPage = end.filter((x) => x.pageOk).length;
    result.receiversWithLoudest = end.filter((x) => x.loudestOk).length;
    const open = joined.map((r) => r.receiver.openStreams());
    result.consumersPerReceiver = {
      video: open.reduce((s, o) => s + o.filter((x) => x.kind === 'video').length, 0) / joined.length,
      audio: open.reduce((s, o) => s + o.filter((x) => x.kind === 'audio').length, 0) / joined.length,
    };
    // Loss from each stream's first packet to the window's end: a delta over the window alone can
    // go negative when packets counted missing at its start arrive late (reordered under load).
    const windowExpected = p1.expected - p0.expected;
    result.loss = {
      percent: p1.expected > 0 ? (100 * p1.lost) / p1.expected : null,
      windowPercent: windowExpected > 0 ? (100 * (p1.lost - p0.lost)) / windowExpected : null,
      packets: p1.packets,
      lost: p1.lost,
      receivedPerSec: (p1.packets - p0.packets) / ((to - from) / 1000),
      forwardedPerSec: null,
    };
    result.firstFrameMs = percentiles(
      joined.flatMap((r) => {
        const ms = firstFrameMs(r.receiver.streams, r.receiver.timings.joinAckAt);
        return ms === null ? [] : [ms];
      }),
    );
    for (const s of samplers) s.stop();
    serverFigures(samplers, from, to, result);

    if (joinStop) result.stopReason = joinStop;
    else if (result.loss.percent !== null && result.loss.percent > plan.limits.lossPercent)
      result.stopReason = `loss ${result.loss.percent.toFixed(2)} % > ${plan.limits.lossPercent} % (${lossSide(result)})`;
    else if (result.receiversWithPage < joined.length || result.receiversWithLoudest < joined.length)
      result.stopReason = `at the window's end ${result.receiversWithPage}/${joined.length} had their page, ${result.receiversWithLoudest}/${joined.length} the loud speakers`;
    log(
      `${label}: loss ${result.loss.percent?.toFixed(3) ?? '–'} %, consumers ${result.consumers.held ?? '–'}, ` +
        `first frame p95 ${result.firstFrameMs.p95 ?? '–'} ms, ${result.signaling.bytesPerJoin?.toFixed(0) ?? '–'} B/join`,
    );
  } finally {
    loop.disable();
    for (const s of samplers) s.stop();
    bystander?.close();
    await withTimeout(
      Promise.all(rxs.map((r) => r.receiver.close().catch(() => undefined))),
      CLOSE_TIMEOUT_MS,
      'closing receivers',
    ).catch((err: unknown) => result.notes.push(String(err)));
    await withTimeout(
      Promise.all(senders.map((p) => p.close().catch(() => undefined))),
      CLOSE_TIMEOUT_MS,
      'closing senders',
    ).catch((err: unknown) => result.notes.push(String(err)));
  }
}

/** Server CPU, worker µs per packet and consumers, summed over the nodes, from the window. */
function serverFigures(samplers: LoadSampler[], from: number, to: number, result: SizeRun): void {
  let cores = 0;
  let workerCores = 0;
  let workerCpuMs = 0;
  let packets = 0;
  let held = 0;
  let max = 0;
  let complete = true;
  let forwardedPerSec = 0;
  for (const s of samplers) {
    for (const n of s.notes) if (!result.notes.includes(n)) result.notes.push(n);
    const w = s.window(from, to);
    result.windowSec = w.seconds;
    cores += w.serverCores + w.workerCores;
    workerCores += w.workerCores;
    if (w.workerCpuMsFromUsage === null || w.consumerPackets === null || w.consumersHeld === null)
      complete = false;
    workerCpuMs += w.workerCpuMsFromUsage ?? 0;
    if (w.consumerPackets !== null && w.snapshotSeconds)
      forwardedPerSec += w.consumerPackets / w.snapshotSeconds;
    packets += w.consumerPackets ?? 0;
    held += w.consumersHeld ?? 0;
    const inWindow = s.snapshots
      .filter((x) => x.at >= from && x.at <= to)
      .map((x) => x.snapshot.totals.consumers);
    max += Math.max(0, ...inWindow.map((c) => c.audio + c.video));
  }
  result.loss.forwardedPerSec = complete ? forwardedPerSec : null;
  result.serverCpu = { cores, workerCores, percentPerParticipant: (100 * cores) / result.participants };
  result.workerUsPerPacket = complete && packets > 0 ? (workerCpuMs * 1000) / packets : null;
  result.consumers.held = complete ? held : null;
  result.consumers.max = complete ? max : null;
  if (!complete) result.notes.push('fewer than two admin stats snapshots in the window on some node');
}

/** Where the packets went missing: compares the rate the servers forwarded with what arrived. */
function lossSide(r: SizeRun): string {
  const { forwardedPerSec: fwd, receivedPerSec: rx } = r.loss;
  const loop =
    r.botLoopDelayP99Ms === null ? '' : `; bench event-loop delay p99 ${r.botLoopDelayP99Ms.toFixed(0)} ms`;
  if (!fwd || rx === null) return `forwarded rate unknown${loop}`;
  const share = (100 * rx) / fwd;
  return share < 100 - r.loss.percent! / 2
    ? `receivers got ${share.toFixed(0)} % of the packets/s the servers forwarded: lost after the SFU (kernel buffers, bots' CPU)${loop}`
    : `receivers got ${share.toFixed(0)} % of the packets/s the servers forwarded: lost before or in the SFU${loop}`;
}
