/**
 * The bots of one process: starts them on their ramp schedule, reports live status, runs chat,
 * and on stop() gathers the results and closes every peer. It runs either inside the caller's
 * process or in a forked bot-worker (rooms are never split between groups).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Bot, type BotPlan, type BotSettings } from './bot.js';
import { ChatLedger, type ChatTotals } from './chat-ledger.js';
import type { BotResult, StreamResult } from './report-types.js';

export interface GroupConfig extends BotSettings {
  chatPerSec: number;
  plans: BotPlan[];
}

export interface GroupError {
  /** Date.now() */
  at: number;
  bot: string | null;
  message: string;
}

export interface GroupStatus {
  started: number;
  joined: number;
  failed: number;
  /** Open streams with a packet in the last 2 s. */
  streamsFlowing: number;
  /** Cumulative over every stream ever received. */
  bytes: number;
  packets: number;
  lostPackets: number;
  expectedPackets: number;
  chatSent: number;
  chatReceived: number;
  /** Errors since the previous status() call. */
  newErrors: GroupError[];
  /** Event-loop delay p99 (ms) since the previous status() call. */
  loopDelayP99Ms: number;
}

export interface GroupResult {
  bots: BotResult[];
  streams: StreamResult[];
  chat: ChatTotals;
  loopDelayP99MsMax: number;
}

/** How long chat deliveries may still arrive after the last message was sent. */
const CHAT_DRAIN_MS = 2000;
const FLOWING_WINDOW_MS = 2000;

export class BotGroup {
  private readonly bots: Bot[];
  private readonly ledger = new ChatLedger();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly starts: Promise<void>[] = [];
  private readonly abort = new AbortController();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private pendingErrors: GroupError[] = [];
  private loopDelayMax = 0;
  private chatOn = false;
  /** Resolves once every bot has joined or failed. */
  readonly settled: Promise<void>;

  constructor(private readonly config: GroupConfig) {
    this.bots = config.plans.map(
      (plan) =>
        new Bot(plan, config, (bot, message) =>
          this.pendingErrors.push({ at: Date.now(), bot: bot.plan.username, message }),
        ),
    );
    this.settled = new Promise((resolve) => {
      let left = this.bots.length;
      if (!left) resolve();
      for (const bot of this.bots) {
        const started = new Promise<void>((done) => {
          this.timers.push(
            setTimeout(
              () => void bot.start(this.abort.signal).then(done),
              Math.max(0, bot.plan.startAt - Date.now()),
            ),
          );
        });
        this.starts.push(started);
        void started.then(() => {
          if (--left === 0) resolve();
        });
      }
    });
    this.loopDelay.enable();
  }

  status(): GroupStatus {
    const now = Date.now();
    const s: GroupStatus = {
      started: 0,
      joined: 0,
      failed: 0,
      streamsFlowing: 0,
      bytes: 0,
      packets: 0,
      lostPackets: 0,
      expectedPackets: 0,
      chatSent: 0,
      chatReceived: 0,
      newErrors: this.pendingErrors,
      loopDelayP99Ms: this.loopDelay.count ? this.loopDelay.percentile(99) / 1e6 : 0,
    };
    this.pendingErrors = [];
    this.loopDelayMax = Math.max(this.loopDelayMax, s.loopDelayP99Ms);
    this.loopDelay.reset();
    for (const bot of this.bots) {
      if (bot.startedAt) s.started++;
      if (bot.joined) s.joined++;
      if (bot.failure) s.failed++;
      for (const st of bot.streams()) {
        if (!st.closed && now - st.lastPacketAt < FLOWING_WINDOW_MS) s.streamsFlowing++;
        s.bytes += st.bytes;
        s.packets += st.packets;
        s.lostPackets += st.sequence.lost;
        s.expectedPackets += st.sequence.expected;
      }
    }
    const chat = this.ledger.progress();
    s.chatSent = chat.sent;
    s.chatReceived = chat.received;
    return s;
  }

  startChat(): void {
    if (this.chatOn || this.config.chatPerSec <= 0) return;
    this.chatOn = true;
    for (const bot of this.bots) bot.startChat(this.config.chatPerSec, this.ledger);
  }

  /** Stops sending, lets chat drain, collects every result and closes every bot. */
  async stop(): Promise<GroupResult> {
    for (const t of this.timers) clearTimeout(t);
    this.abort.abort();
    for (const bot of this.bots) bot.stopChat();
    if (this.chatOn) await new Promise((r) => setTimeout(r, CHAT_DRAIN_MS));
    const members = new Map<number, number[]>();
    for (const bot of this.bots)
      if (bot.joined && !bot.plan.light)
        members.set(bot.plan.room, [...(members.get(bot.plan.room) ?? []), bot.plan.index]);
    const result: GroupResult = {
      bots: this.bots.map((b) => b.result()),
      streams: this.bots.flatMap((b) => b.streamResults()),
      chat: this.ledger.totals(members),
      loopDelayP99MsMax: Math.max(
        this.loopDelayMax,
        this.loopDelay.count ? this.loopDelay.percentile(99) / 1e6 : 0,
      ),
    };
    this.loopDelay.disable();
    await Promise.all(this.bots.map((b) => b.close()));
    return result;
  }
}
