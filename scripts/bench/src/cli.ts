/**
 * `npm run bench [-- --quick] [--out DIR] [--phases overhead,capacity,chat,cluster,network,soak,light-bots,large-room,recording]`
 *
 * MiniMeet against a bare mediasoup + Socket.IO baseline, same bot load, same run: overhead
 * ratios, a capacity ramp and a chat benchmark. Prints tables and writes DIR/bench.json
 * (default bench-results/bench-<timestamp>/). Run only when named: one room across workers and
 * nodes (cluster), and Chromium on impaired test-host links (network, needs root; also writes
 * DIR/network.html), a long run under churn watched for leaks (soak, --soak-minutes; also
 * writes DIR/soak.html), light receive-only bots against full receivers (light-bots), and one
 * room of up to 200 light receivers against the old design (large-room; also DIR/large-room.html),
 * and a call of bots unrecorded then recorded, with its composite (recording, --recording-seconds).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, USAGE, UsageRequested } from './options.js';
import { renderNetworkHtml } from './network/network-html.js';
import { networkPhase, networkPlan } from './network/network-phase.js';
import { networkTable } from './network/network-report.js';
import { pinBenchProcess, type Pinning } from './pinning.js';
import { soakPhase } from './soak/soak-phase.js';
import { soakPlan } from './soak/soak-plan.js';
import { drainedTable, renderSoakHtml, soakTable } from './soak/soak-report.js';
import { clusterPhase, clusterPlan } from './cluster-phase.js';
import { clusterNodesTable, clusterSummary, clusterSummaryTable } from './cluster-report.js';
import { lightBotsPhase, lightBotsPlan, lightBotsTable } from './light-bots-phase.js';
import { largeRoomPhase } from './large-room/large-room-phase.js';
import { largeRoomPlan } from './large-room/large-room-plan.js';
import { largeRoomTables, renderLargeRoomHtml } from './large-room/large-room-report.js';
import { recordingPhase, recordingPlan } from './recording/recording-phase.js';
import { recordingFigures, recordingTable } from './recording/recording-report.js';
import { benchPlan, capacityPhase, chatPhase, overheadPhase } from './phases.js';
import {
  capacitySummary,
  capacitySummaryTable,
  capacityTable,
  chatTable,
  overheadTable,
  ratios,
  ratiosTable,
} from './report.js';

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageRequested)) throw err;
    console.log(USAGE);
    return;
  }
  const plan = benchPlan(args.quick);
  // The network phase measures browsers on test hosts, the soak phase memory and object counts,
  // not server CPU: nothing to pin for them.
  const pinning: Pinning = args.phases.some((p) => p !== 'network' && p !== 'soak')
    ? pinBenchProcess()
    : {
        enabled: false,
        serverCpus: null,
        botCpus: null,
        benchAffinity: null,
        note: `not pinned (${args.phases.join(', ')} only)`,
      };
  const started = new Date();
  const log = (line: string) =>
    console.log(`[bench ${((Date.now() - started.getTime()) / 1000).toFixed(0)}s] ${line}`);
  log(`pinning: ${pinning.note}`);

  const overhead = args.phases.includes('overhead') ? await overheadPhase(plan, pinning, log) : undefined;
  const capacity = args.phases.includes('capacity') ? await capacityPhase(plan, pinning, log) : undefined;
  const chat = args.phases.includes('chat') ? await chatPhase(plan, pinning, log) : undefined;
  const cluster = args.phases.includes('cluster') ? clusterPlan(args.quick) : undefined;
  const clusterResult = cluster ? await clusterPhase(cluster, pinning, log) : undefined;
  const clusterRuns = clusterResult?.pooled;
  const network = args.phases.includes('network')
    ? await networkPhase(networkPlan(args.quick), log)
    : undefined;
  const lightBots = args.phases.includes('light-bots')
    ? await lightBotsPhase(lightBotsPlan(args.quick), pinning, log)
    : undefined;
  const largeRoom = args.phases.includes('large-room')
    ? await largeRoomPhase(largeRoomPlan(args.quick, args.largeRoomSizes), pinning, log)
    : undefined;
  const soak = args.phases.includes('soak') ? await soakPhase(soakPlan(args.soak), log) : undefined;
  const recordingRunPlan = args.phases.includes('recording')
    ? recordingPlan(args.quick, args.recordingSeconds)
    : undefined;
  const recording = recordingRunPlan ? await recordingPhase(recordingRunPlan, pinning, log) : undefined;

  // Pinned: the server had one CPU; otherwise it shared all of them with the bots.
  const serverCoreCount = pinning.serverCpus ? pinning.serverCpus.split(',').length : os.cpus().length;
  const capacitySummaries = capacity
    ? {
        minimeet: capacitySummary(capacity.minimeet, serverCoreCount),
        baseline: capacitySummary(capacity.baseline, serverCoreCount),
      }
    : undefined;
  const r = ratios(overhead, chat);

  const out: string[] = [];
  if (overhead) out.push(overheadTable(overhead));
  if (capacity && capacitySummaries) {
    out.push(capacityTable('minimeet', capacity.minimeet), capacityTable('baseline', capacity.baseline));
    out.push(capacitySummaryTable(capacitySummaries));
  }
  if (chat) out.push(chatTable(chat));
  const clusterFigures = clusterRuns ? clusterSummary(clusterRuns) : undefined;
  if (clusterRuns && clusterFigures)
    out.push(clusterNodesTable(clusterRuns), clusterSummaryTable(clusterRuns, clusterFigures));
  if (overhead || chat) out.push(ratiosTable(r, pinning));
  if (network)
    out.push(network.skipped === null ? networkTable(network) : `Network: skipped (${network.skipped})`);
  if (lightBots) out.push(lightBotsTable(lightBots));
  const largeRoomText = largeRoom ? largeRoomTables(largeRoom) : undefined;
  if (largeRoomText) out.push(largeRoomText);
  if (soak) out.push(soakTable(soak), drainedTable(soak));
  if (recording) out.push(recordingTable(recording));
  const text = out.join('\n\n');
  console.log(`\n${text}\n`);

  mkdirSync(args.outDir, { recursive: true });
  const json = {
    startedAt: started.toISOString(),
    endedAt: new Date().toISOString(),
    quick: args.quick,
    phases: args.phases,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? null, node: process.version },
    pinning,
    plan,
    method: {
      joinToFirstRtp:
        'per stream whose producer existed when the receiver joined: joinRoom sent → first RTP packet received (bot clock)',
      serverCpu:
        'utime+stime from /proc/<pid>/stat of the server process and of each mediasoup worker (its children), delta over the steady window',
      workerUsPerPacket:
        'delta of worker cpuMs (worker.getResourceUsage) / delta of totals.consumerPackets (consumer getStats), both from GET /api/admin/stats snapshots inside the window',
      botCpu: 'utime+stime of this bench process and its non-server descendants (the bots run in it)',
      lightBots:
        'per receiver: (CPU of the bench process, or of the server process + worker from /proc, during the phase − during the senders-only phase) / receivers',
      largeRoom:
        "per size: first frame = join ack → first RTP of the receiver's first video (p95 over receivers); signaling = Engine.IO message bytes a bystander socket in the room receives from the first receiver join to 600 ms after the last, ÷ joins; consumers = GET /api/admin/stats totals (lowest snapshot in the window, summed over nodes); server CPU = /proc utime+stime of every node process + workers over the window ÷ participants; worker µs/pkt = worker cpuMs delta ÷ consumer packets delta; memory = RSS (/proc VmRSS) of every node + workers in the window − before anyone joined, ÷ participants; loss = RTP sequence gaps over every receiver stream in the window",
      recording:
        'per setup, fresh servers: the call unrecorded (baseline window) then recorded; server/worker CPU from /proc utime+stime of the server processes and their mediasoup children, deltas recorded − unrecorded ÷ recorded tracks; recorder CPU and RSS from /proc of the ffmpeg children of the server processes during the recorded window (from 3 s after start) ÷ tracks; composite = stopRecording answered → GET /api/recordings/:id state ready (probe, composite, upload) ÷ minutes recorded; bytes from the recording DTO (tracks and composite) ÷ minutes',
      cluster:
        'per node: worker cpuMs and consumer packets from its own GET /api/admin/stats at the window edges; idle rate: worker cpuMs before any bot joined; capacity = workers homing peers × 1e6 / (µs/pkt × 100)',
    },
    ratios: r,
    overhead,
    capacity: capacity
      ? { minimeet: capacity.minimeet, baseline: capacity.baseline, summary: capacitySummaries }
      : undefined,
    chat,
    cluster: cluster
      ? { plan: cluster, runs: clusterRuns, summary: clusterFigures, repeats: clusterResult?.repeats }
      : undefined,
    network,
    lightBots,
    largeRoom,
    soak,
    recording: recording
      ? { plan: recordingRunPlan, runs: recording, figures: recording.map(recordingFigures) }
      : undefined,
  };
  const jsonPath = path.join(args.outDir, 'bench.json');
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(path.join(args.outDir, 'bench.txt'), `${text}\n`);
  if (network && network.skipped === null) {
    const htmlPath = path.join(args.outDir, 'network.html');
    writeFileSync(
      htmlPath,
      renderNetworkHtml(network, { startedAt: started.toISOString(), quick: args.quick }),
    );
    log(`wrote ${htmlPath}`);
  }
  if (largeRoom && largeRoomText) {
    const htmlPath = path.join(args.outDir, 'large-room.html');
    writeFileSync(
      htmlPath,
      renderLargeRoomHtml(largeRoom, largeRoomText, { startedAt: started.toISOString() }),
    );
    log(`wrote ${htmlPath}`);
  }
  if (soak) {
    const htmlPath = path.join(args.outDir, 'soak.html');
    writeFileSync(htmlPath, renderSoakHtml(soak, [soakTable(soak), drainedTable(soak)].join('\n\n')));
    log(`wrote ${htmlPath}`);
  }
  log(`wrote ${jsonPath}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
