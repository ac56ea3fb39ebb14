/**
 * Load-test bots for MiniMeet (library entry; the CLI is cli.ts). runBots() logs the bots in
 * (registering new users), reuses or creates the rooms by name, starts the bots on a ramp, lets
 * them send and receive real media (and chat) for the steady phase, samples the server, and
 * returns the report. writeReport() writes report.json + report.html; verdict() is the
 * exit-code rule. Only the REST/Socket.IO surface in ../README.md is used.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assembleReport } from './assemble-report.js';
import { logIn, type BotLogin, type BotPlan } from './bot.js';
import { mapLimit } from './map-limit.js';
import type { GroupResult, GroupStatus } from './bot-group.js';
import { ForkedGroup, InProcessGroup, type GroupHandle } from './group-handle.js';
import {
  botUsername,
  lightBotUsername,
  resolveOptions,
  roomName,
  upfrontWarnings,
  type BotRunOptions,
  type ResolvedOptions,
} from './options.js';
import { ProgressLine } from './progress.js';
import { renderHtml } from './report-html.js';
import type { BotReport, RunError, TimelineSample } from './report-types.js';
import { ensureRooms, loginOrRegister } from './rest.js';
import { ServerSampler } from './server-sampler.js';

export type { BotRunOptions } from './options.js';
export { BotOptionsError } from './options.js';
export type * from './report-types.js';
export { verdict } from './verdict.js';
export { formatSummary } from './summary-table.js';

/** Gap between setting up and the first bot's start. */
const RAMP_DELAY_MS = 200;

function abortable(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

export async function runBots(options: BotRunOptions): Promise<BotReport> {
  const o = resolveOptions(options);
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    o.onWarning?.(m);
  };
  for (const w of upfrontWarnings(o)) warn(w);
  const startedAt = Date.now();
  const errors: RunError[] = [];

  // Rooms are created (or found) by the first bot's user, which the bots log in as anyway.
  const owner = await loginOrRegister(o.url, botUsername(o.namePrefix, 1, 1), o.password, o.signal);
  const authLimit = owner.rateLimit;
  const authCalls = o.rooms * (o.peers + o.lightReceivers);
  if (authLimit && authCalls > authLimit)
    warn(
      `the server allows ${authLimit} auth requests per minute per address and this run makes at least ${authCalls}: ` +
        'bots will wait out HTTP 429 (reported as authThrottledMs); start the server with a higher AUTH_RATE_LIMIT for load tests',
    );
  const roomNames = Array.from({ length: o.rooms }, (_, i) => roomName(o.namePrefix, i + 1));
  const serverRooms = await ensureRooms(o.url, owner.auth.accessToken, roomNames, o.peers + o.lightReceivers);
  const rooms = serverRooms.map((r, i) => ({ room: i + 1, roomId: r.id, name: r.name }));

  const sampler = new ServerSampler(
    o.url,
    startedAt,
    o.adminUsername ? { username: o.adminUsername, password: o.adminPassword ?? o.password } : undefined,
  );
  await sampler.init();
  sampler.start();

  // Per room: the peers (senders) first, then the light receivers, so these find media flowing.
  const seats = rooms.flatMap((r) => [
    ...Array.from({ length: o.peers }, (_, p) => ({
      ...r,
      light: false,
      username: botUsername(o.namePrefix, r.room, p + 1),
    })),
    ...Array.from({ length: o.lightReceivers }, (_, l) => ({
      ...r,
      light: true,
      username: lightBotUsername(o.namePrefix, r.room, l + 1),
    })),
  ]);
  const logins = o.loginFirst
    ? await logInAll(
        o,
        seats.map((s) => s.username),
      )
    : undefined;
  // Ramp: bots start one after another at rampPerSec, room by room.
  const rampStart = Date.now() + RAMP_DELAY_MS;
  const plans: BotPlan[] = seats.map((seat, index) => ({
    index,
    username: seat.username,
    room: seat.room,
    roomId: seat.roomId,
    startAt: rampStart + (index * 1000) / o.rampPerSec,
    ...(seat.light ? { light: true } : {}),
    ...(logins ? { login: logins[index]! } : {}),
  }));
  // Whole rooms per process, so chat accounting never crosses a process boundary.
  const processes = Math.min(o.processes, o.rooms);
  const groups: GroupHandle[] = [];
  const groupPlans: BotPlan[][] = [];
  for (let g = 0; g < processes; g++) {
    groupPlans.push(plans.filter((p) => (p.room - 1) % processes === g));
    const config = {
      url: o.url,
      password: o.password,
      audioOnly: o.audioOnly,
      chatPerSec: o.chatPerSec,
      plans: groupPlans[g]!,
    };
    groups.push(processes === 1 ? new InProcessGroup(config) : new ForkedGroup(config));
  }

  const kinds = o.audioOnly ? 1 : 2;
  // Video from every other peer; audio from the K loudest microphones (issue 19) only.
  const audioFrom = (others: number) => Math.min(others, o.audioLoudestK);
  const perRoom = o.peers * (o.peers - 1) * (kinds - 1) + o.lightReceivers * o.peers * (kinds - 1);
  const audioPerRoom = o.peers * audioFrom(o.peers - 1) + o.lightReceivers * audioFrom(o.peers);
  const expectedStreams = o.rooms * (perRoom + audioPerRoom);
  const progress = o.progress ? new ProgressLine(plans.length, expectedStreams) : undefined;
  const timeline: TimelineSample[] = [];
  let phase = 'ramp';
  let lastBytes = 0;
  let lastPackets = 0;
  let lastTick = Date.now();
  const latest = new Map<GroupHandle, GroupStatus>();
  /** `final`: after the bots closed — collect errors, record no (partial) second. */
  const tick = (final = false) => {
    const now = Date.now();
    for (const g of groups) {
      const s = g.status();
      if (!s) continue;
      latest.set(g, s);
      for (const e of s.newErrors)
        errors.push({ t: (e.at - startedAt) / 1000, bot: e.bot, message: e.message });
    }
    if (final) return;
    const sum = (f: (s: GroupStatus) => number) => [...latest.values()].reduce((a, s) => a + f(s), 0);
    const bytes = sum((s) => s.bytes);
    const packets = sum((s) => s.packets);
    const dt = Math.max(1, now - lastTick) / 1000;
    const server = sampler.samples.at(-1);
    const sample: TimelineSample = {
      t: Math.round((now - startedAt) / 100) / 10,
      botsJoined: sum((s) => s.joined),
      botsFailed: sum((s) => s.failed),
      streamsFlowing: sum((s) => s.streamsFlowing),
      bitrateKbps: Math.round((Math.max(0, bytes - lastBytes) * 8) / dt / 100) / 10,
      packetsPerSec: Math.round(Math.max(0, packets - lastPackets) / dt),
      lostPackets: sum((s) => s.lostPackets),
      chatSent: sum((s) => s.chatSent),
      chatReceived: sum((s) => s.chatReceived),
      errors: errors.length,
      botLoopDelayP99Ms: latest.size ? Math.max(...[...latest.values()].map((s) => s.loopDelayP99Ms)) : null,
      workerCpu: Object.fromEntries(
        (server?.workers ?? [])
          .filter((w) => w.cpuPercent !== null)
          .map((w) => [String(w.pid), Math.round(w.cpuPercent! * 10) / 10]),
      ),
      serverCpuPercent: server?.serverCpuPercent ?? null,
      serverRssMb: server?.serverRssBytes ? Math.round(server.serverRssBytes / 2 ** 20) : null,
    };
    lastBytes = bytes;
    lastPackets = packets;
    lastTick = now;
    timeline.push(sample);
    progress?.update(sample, phase);
  };
  const ticker = setInterval(() => tick(), 1000);

  let results: GroupResult[];
  let steadyFrom: number;
  let steadyTo: number;
  try {
    await Promise.race([Promise.all(groups.map((g) => g.settled)), abortable(2 ** 31 - 1, o.signal)]);
    steadyFrom = Date.now();
    phase = 'steady';
    for (const g of groups) g.startChat();
    await abortable(o.durationSec * 1000, o.signal);
    steadyTo = Date.now();
    phase = 'stopping';
    // A crashed bot process must not cost the whole report: its bots count as not joined.
    results = (await Promise.allSettled(groups.map((g) => g.stop()))).map((r, g) => {
      if (r.status === 'fulfilled') return r.value;
      const crashed = crashedGroup(groupPlans[g]!, r.reason);
      errors.push({
        t: (Date.now() - startedAt) / 1000,
        bot: null,
        message: crashed.bots[0]?.failure ?? 'bot process failed',
      });
      return crashed;
    });
  } finally {
    clearInterval(ticker);
    tick(true);
    sampler.stop();
    progress?.done();
  }
  return assembleReport({
    options: o,
    plans,
    rooms,
    results,
    timeline,
    serverSamples: sampler.samples,
    serverNotes: sampler.notes,
    serverSource: sampler.source,
    errors,
    warnings,
    startedAt,
    steadyFrom,
    steadyTo,
    endedAt: Date.now(),
    processes,
  });
}

/** The results of a bot process that died: every bot of it failed, nothing received. */
function crashedGroup(plans: BotPlan[], reason: unknown): GroupResult {
  const why = `bot process failed: ${reason instanceof Error ? reason.message : String(reason)}`;
  return {
    bots: plans.map((p) => ({
      index: p.index,
      username: p.username,
      userId: null,
      room: p.room,
      roomId: p.roomId,
      loginMs: null,
      authThrottledMs: 0,
      connectMs: null,
      joinAckMs: null,
      mediaReadyMs: null,
      joined: false,
      light: !!p.light,
      failure: why,
      sentPackets: 0,
      chat: { sent: 0, refused: 0, received: 0, duplicates: 0 },
      errors: 1,
    })),
    streams: [],
    chat: { sent: 0, refused: 0, received: 0, lost: 0, duplicated: 0, latenciesMs: [] },
    loopDelayP99MsMax: 0,
  };
}

/** Writes report.json and report.html into outDir (created if needed). */
export function writeReport(report: BotReport, outDir: string): { jsonPath: string; htmlPath: string } {
  mkdirSync(outDir, { recursive: true });
  const jsonPath = path.join(outDir, 'report.json');
  const htmlPath = path.join(outDir, 'report.html');
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(htmlPath, renderHtml(report));
  return { jsonPath, htmlPath };
}

/** bench-results/<timestamp> under the current directory. */
export function defaultOutDir(now = new Date()): string {
  return path.join('bench-results', now.toISOString().replace(/[:.]/g, '-'));
}

/** How many logins run at once with loginFirst (about the server's hashing threads). */
const LOGIN_FIRST_CONCURRENCY = 4;

/** loginFirst: every bot's login, before any bot joins. */
function logInAll(o: ResolvedOptions, usernames: string[]): Promise<BotLogin[]> {
  return mapLimit(usernames, LOGIN_FIRST_CONCURRENCY, (username) =>
    logIn(o.url, username, o.password, o.signal),
  );
}
