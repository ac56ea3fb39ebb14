/** Turns the groups' raw results into the report: expected vs received streams, loss, percentiles. */
import type { BotPlan } from './bot.js';
import type { GroupResult } from './bot-group.js';
import type { ResolvedOptions } from './options.js';
import { mean, percentiles, round1, round2 } from './percentiles.js';
import type {
  BotReport,
  MissingStream,
  RoomResult,
  RunError,
  ServerSample,
  StreamResult,
  TimelineSample,
} from './report-types.js';

export interface RunRecord {
  options: ResolvedOptions;
  plans: BotPlan[];
  rooms: Array<{ room: number; roomId: number; name: string }>;
  results: GroupResult[];
  timeline: TimelineSample[];
  serverSamples: ServerSample[];
  serverNotes: string[];
  serverSource: ServerSample['source'] | 'none';
  errors: RunError[];
  warnings: string[];
  startedAt: number;
  steadyFrom: number;
  steadyTo: number;
  endedAt: number;
  processes: number;
}

export function assembleReport(run: RunRecord): BotReport {
  const o = run.options;
  const kinds: Array<'audio' | 'video'> = o.audioOnly ? ['audio'] : ['audio', 'video'];
  const bots = run.results.flatMap((r) => r.bots).sort((a, b) => a.index - b.index);
  const byUserId = new Map(bots.filter((b) => b.userId !== null).map((b) => [b.userId!, b]));
  const streams: StreamResult[] = run.results
    .flatMap((r) => r.streams)
    .map((s) => ({
      ...s,
      sender: byUserId.get(s.senderUserId)?.username ?? null,
      lossPercent: round2(s.lossPercent),
    }));
  // Only streams between bots of the same room count; anyone else in the room is ignored.
  const botStreams = streams.filter((s) => {
    const sender = byUserId.get(s.senderUserId);
    return sender !== undefined && sender.room === s.room && s.senderUserId !== s.receiverUserId;
  });

  const missing: MissingStream[] = [];
  const rooms: RoomResult[] = run.rooms.map(({ room, roomId, name }) => {
    const members = bots.filter((b) => b.room === room);
    let expected = 0;
    let received = 0;
    // Light receivers receive from every peer; they send nothing.
    const senders = members.filter((b) => !b.light);
    for (const receiver of members) {
      // Audio: the server gives each receiver the K loudest microphones, whichever they are.
      const others = senders.filter((s) => s !== receiver);
      const audioExpected = Math.min(others.length, o.audioLoudestK);
      const audioFrom = new Set(
        botStreams
          .filter((s) => s.receiver === receiver.username && s.kind === 'audio' && s.packets > 0)
          .map((s) => s.senderUserId),
      );
      const audioGot = Math.min(
        audioExpected,
        others.filter((s) => s.userId !== null && audioFrom.has(s.userId)).length,
      );
      expected += audioExpected;
      received += audioGot;
      for (let i = audioGot; i < audioExpected; i++)
        missing.push({ receiver: receiver.username, sender: '(one of the loudest)', room, kind: 'audio' });
      for (const sender of others) {
        for (const kind of kinds) {
          if (kind === 'audio') continue;
          expected++;
          const got = botStreams.some(
            (s) =>
              s.receiver === receiver.username &&
              sender.userId !== null &&
              s.senderUserId === sender.userId &&
              s.kind === kind &&
              s.packets > 0,
          );
          if (got) received++;
          else missing.push({ receiver: receiver.username, sender: sender.username, room, kind });
        }
      }
    }
    const inRoom = botStreams.filter((s) => s.room === room);
    const exp = inRoom.reduce((a, s) => a + s.expectedPackets, 0);
    const lost = inRoom.reduce((a, s) => a + s.lostPackets, 0);
    return {
      room,
      roomId,
      name,
      botsJoined: members.filter((b) => b.joined).length,
      expectedStreams: expected,
      receivedStreams: received,
      expectedPackets: exp,
      lostPackets: lost,
      lossPercent: exp ? (100 * lost) / exp : 0,
      bitrateKbps: round1(mean(inRoom.map((s) => s.bitrateKbps)) ?? 0),
    };
  });

  const expectedPackets = botStreams.reduce((a, s) => a + s.expectedPackets, 0);
  const lostPackets = botStreams.reduce((a, s) => a + s.lostPackets, 0);
  const chatTotals = run.results.map((r) => r.chat);
  const chatMs = chatTotals.flatMap((c) => c.latenciesMs);
  const chatP = percentiles(chatMs);
  const joinMs = bots.flatMap((b) => (b.joinAckMs !== null ? [b.joinAckMs] : []));
  const firstRtpMs = botStreams.flatMap((s) => (s.firstRtpMs !== null ? [s.firstRtpMs] : []));
  const steadyFromSec = (run.steadyFrom - run.startedAt) / 1000;
  const steadyToSec = (run.steadyTo - run.startedAt) / 1000;
  const steady = <T extends { t: number }>(xs: T[]) =>
    xs.filter((x) => x.t >= steadyFromSec && x.t <= steadyToSec);

  const steadyServer = steady(run.serverSamples);
  const workerMean: Record<string, number> = {};
  const workerMax: Record<string, number> = {};
  for (const pid of new Set(steadyServer.flatMap((x) => x.workers.map((w) => w.pid)))) {
    const values = steadyServer.flatMap((x) =>
      x.workers.filter((w) => w.pid === pid && w.cpuPercent !== null).map((w) => w.cpuPercent!),
    );
    if (!values.length) continue;
    workerMean[pid] = round1(mean(values)!);
    workerMax[pid] = round1(Math.max(...values));
  }
  const serverCpu = mean(
    steadyServer.flatMap((x) => (x.serverCpuPercent !== null ? [x.serverCpuPercent] : [])),
  );
  const rss = steadyServer.flatMap((x) => (x.serverRssBytes !== null ? [x.serverRssBytes] : []));
  const steadyTimeline = steady(run.timeline);
  const expectedStreams = rooms.reduce((a, r) => a + r.expectedStreams, 0);

  const { signal: _signal, onWarning: _onWarning, adminPassword, password: _password, ...shownOptions } = o;
  return {
    summary: {
      bots: bots.length,
      botsJoined: bots.filter((b) => b.joined).length,
      botsFailed: bots.filter((b) => !b.joined).length,
      expectedStreams,
      receivedStreams: expectedStreams - missing.length,
      missingStreams: missing.length,
      expectedPackets,
      receivedPackets: expectedPackets - lostPackets,
      lostPackets,
      lossPercent: expectedPackets ? Number(((100 * lostPackets) / expectedPackets).toFixed(4)) : 0,
      receivedBytes: botStreams.reduce((a, s) => a + s.bytes, 0),
      meanBitrateKbps: round1(mean(steadyTimeline.map((x) => x.bitrateKbps)) ?? 0),
      peakBitrateKbps: round1(Math.max(0, ...run.timeline.map((x) => x.bitrateKbps))),
      loginMs: percentiles(bots.flatMap((b) => (b.loginMs !== null ? [b.loginMs] : []))),
      joinMs: percentiles(joinMs),
      mediaReadyMs: percentiles(bots.flatMap((b) => (b.mediaReadyMs !== null ? [b.mediaReadyMs] : []))),
      firstRtpMs: percentiles(firstRtpMs),
      chat: {
        sent: chatTotals.reduce((a, c) => a + c.sent, 0),
        received: chatTotals.reduce((a, c) => a + c.received, 0),
        lost: chatTotals.reduce((a, c) => a + c.lost, 0),
        duplicated: chatTotals.reduce((a, c) => a + c.duplicated, 0),
        refused: chatTotals.reduce((a, c) => a + c.refused, 0),
        p50Ms: chatP.p50,
        p95Ms: chatP.p95,
        p99Ms: chatP.p99,
        maxMs: chatP.max,
      },
      errors: run.errors.length,
      server: {
        source: run.serverSource,
        workerCpuPercentMean: workerMean,
        workerCpuPercentMax: workerMax,
        serverCpuPercentMean: serverCpu === null ? null : round1(serverCpu),
        serverRssMbMax: rss.length ? round1(Math.max(...rss) / 2 ** 20) : null,
      },
      botProcesses: {
        count: run.processes,
        loopDelayP99MsMax: run.results.length
          ? round1(Math.max(...run.results.map((r) => r.loopDelayP99MsMax)))
          : null,
      },
    },
    bots,
    streams,
    missingStreams: missing,
    rooms: rooms.map((r) => ({ ...r, lossPercent: Number(r.lossPercent.toFixed(4)) })),
    timeline: run.timeline,
    server: { samples: run.serverSamples, notes: run.serverNotes },
    errors: run.errors,
    warnings: run.warnings,
    samples: { joinMs, firstRtpMs, chatMs },
    options: { ...shownOptions, adminPassword: adminPassword ? '(given)' : undefined },
    startedAt: new Date(run.startedAt).toISOString(),
    steadyFromSec: round1(steadyFromSec),
    steadyToSec: round1(steadyToSec),
    endedAt: new Date(run.endedAt).toISOString(),
  };
}
