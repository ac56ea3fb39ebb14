/**
 * One load-test bot: a MiniMeetPeer (real ICE/DTLS/SRTP, looped VP8 + Opus, consumes every other
 * producer) plus login timing and chat. It measures itself; BotGroup adds them up.
 */
import { randomUUID } from 'node:crypto';
import { LightReceiver, MiniMeetPeer, type ReceivedStream } from '@minimeet/webrtc-peer';
import type { ChatLedger } from './chat-ledger.js';
import type { BotResult, StreamResult } from './report-types.js';
import { loginOrRegister } from './rest.js';

/** What a bot process is told about one bot. */
export interface BotPlan {
  index: number;
  username: string;
  room: number;
  roomId: number;
  /** Date.now() at which the bot starts (the ramp). */
  startAt: number;
  /** Set when the run logged everybody in up front (loginFirst): the bot only joins. */
  login?: BotLogin;
  /** A light receive-only bot (LightReceiver) instead of a full werift peer. */
  light?: boolean;
}

/** A finished login, plain data so it can be handed to a bot process. */
export interface BotLogin {
  accessToken: string;
  userId: number;
  ms: number;
  throttledMs: number;
}

/** both: sends and consumes (the default); send: only sends; receive: only consumes. */
export type BotRole = 'both' | 'send' | 'receive';

export interface BotSettings {
  url: string;
  password: string;
  audioOnly: boolean;
  role?: BotRole;
}

export class Bot {
  peer: MiniMeetPeer | undefined;
  /** Set instead of `peer` for a light plan. */
  lightReceiver: LightReceiver | undefined;
  userId: number | null = null;
  loginMs: number | null = null;
  authThrottledMs = 0;
  startedAt = 0;
  private loggedInAt = 0;
  joined = false;
  failure: string | null = null;
  errors = 0;
  readonly chat = { sent: 0, refused: 0, received: 0, duplicates: 0 };
  private readonly seenMessages = new Set<string>();
  private chatTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly plan: BotPlan,
    private readonly settings: BotSettings,
    private readonly onError: (bot: Bot, message: string) => void,
  ) {}

  /** Logs in, joins and starts media; never throws (a failure is recorded). */
  async start(signal?: AbortSignal): Promise<void> {
    this.startedAt = Date.now();
    try {
      const { url, password, audioOnly, role = 'both' } = this.settings;
      const login = this.plan.login ?? (await logIn(url, this.plan.username, password, signal));
      this.loginMs = login.ms;
      this.authThrottledMs = login.throttledMs;
      this.userId = login.userId;
      this.loggedInAt = Date.now();
      if (this.closed) return;
      if (this.plan.light) {
        const light = new LightReceiver({ url, roomId: this.plan.roomId, token: login.accessToken });
        this.lightReceiver = light;
        light.on('error', (err) => this.error(err.message));
        await light.start();
        this.joined = !this.closed;
        return;
      }
      const peer = new MiniMeetPeer({
        url,
        roomId: this.plan.roomId,
        token: login.accessToken,
        audio: role !== 'receive',
        video: role !== 'receive' && !audioOnly,
        consume: role !== 'send',
        // ICE/DTLS that never connects (e.g. a server announcing an unreachable address) shows
        // up here long before "stream never arrived".
        log: (m) => {
          if (/transport (failed|disconnected)/.test(m)) this.error(m);
        },
      });
      this.peer = peer;
      peer.on('error', (err) => this.error(err.message));
      await peer.start();
      this.joined = !this.closed;
    } catch (err) {
      this.failure = err instanceof Error ? err.message : String(err);
      this.error(`start failed: ${this.failure}`);
    }
  }

  error(message: string): void {
    this.errors++;
    this.onError(this, message);
  }

  /** Sends `perSec` messages a second until stopChat(); deliveries are counted in the ledger. */
  startChat(perSec: number, ledger: ChatLedger): void {
    // Light receivers do not chat (they are not chat members either, see BotGroup.stop).
    const socket = this.peer?.socket;
    if (!this.joined || !socket || perSec <= 0) return;
    socket.on('newMessage', ({ message }) => {
      if (message.roomId !== this.plan.roomId) return;
      if (this.seenMessages.has(message.clientMessageId)) this.chat.duplicates++;
      else this.chat.received++;
      this.seenMessages.add(message.clientMessageId);
      ledger.received(message.clientMessageId, this.plan.index);
    });
    const send = () => {
      const clientMessageId = randomUUID();
      ledger.sent(clientMessageId, this.plan.room);
      this.chat.sent++;
      this.peer!.rawRequest('sendMessage', {
        roomId: this.plan.roomId,
        content: `load-test ${this.plan.username} ${clientMessageId}`,
        clientMessageId,
      }).then(
        (ack) => {
          if (ack.ok) return;
          ledger.refused(clientMessageId);
          this.chat.refused++;
          this.error(`sendMessage refused: ${ack.error.code} ${ack.error.message}`);
        },
        // No ack in time: still expected; if it never arrives the ledger counts it lost.
        (err: unknown) => this.error(`sendMessage: ${err instanceof Error ? err.message : String(err)}`),
      );
    };
    const period = 1000 / perSec;
    // A random phase so the bots of a room do not all send in the same millisecond.
    this.chatTimer = setTimeout(() => {
      send();
      this.chatTimer = setInterval(send, period);
    }, Math.random() * period);
  }

  stopChat(): void {
    clearTimeout(this.chatTimer);
    clearInterval(this.chatTimer);
    this.chatTimer = undefined;
  }

  /** Streams received from other users. */
  streams(): ReceivedStream[] {
    return this.peer?.streams ?? this.lightReceiver?.streams ?? [];
  }

  result(): BotResult {
    const t = this.peer?.timings ?? this.lightReceiver?.timings;
    const since = (a: number | undefined, b: number | undefined) => (a && b ? b - a : null);
    return {
      index: this.plan.index,
      username: this.plan.username,
      userId: this.userId,
      room: this.plan.room,
      roomId: this.plan.roomId,
      loginMs: this.loginMs,
      authThrottledMs: this.authThrottledMs,
      connectMs: since(this.loggedInAt, t?.connectedAt),
      joinAckMs: since(t?.joinSentAt, t?.joinAckAt),
      mediaReadyMs: since(t?.joinAckAt, t?.mediaReadyAt),
      joined: this.joined,
      light: !!this.plan.light,
      failure:
        this.failure ??
        (this.joined ? null : this.startedAt ? 'still joining when the run ended' : 'not started'),
      sentPackets: this.peer?.player.sentPackets ?? 0,
      chat: { ...this.chat },
      errors: this.errors,
    };
  }

  streamResults(): StreamResult[] {
    const joinAckAt = (this.peer?.timings ?? this.lightReceiver?.timings)?.joinAckAt ?? 0;
    return this.streams().map((s) => {
      const seq = s.sequence;
      const activeMs = s.lastPacketAt - s.firstPacketAt;
      return {
        receiver: this.plan.username,
        receiverUserId: this.userId,
        room: this.plan.room,
        senderUserId: s.userId,
        sender: null,
        kind: s.kind,
        producerId: s.producerId,
        firstRtpMs: s.firstPacketAt ? s.firstPacketAt - Math.max(s.announcedAt, joinAckAt) : null,
        firstRtpSinceJoinMs: s.firstPacketAt && joinAckAt ? s.firstPacketAt - joinAckAt : null,
        packets: s.packets,
        bytes: s.bytes,
        expectedPackets: seq.expected,
        lostPackets: seq.lost,
        duplicatePackets: seq.duplicates,
        lossPercent: seq.expected ? (100 * seq.lost) / seq.expected : 0,
        bitrateKbps: activeMs > 0 ? (s.bytes * 8) / activeMs : 0,
      };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopChat();
    await this.peer?.close();
    await this.lightReceiver?.close();
  }
}

/** Logs a bot's user in (registering it the first time). */
export async function logIn(
  url: string,
  username: string,
  password: string,
  signal?: AbortSignal,
): Promise<BotLogin> {
  const login = await loginOrRegister(url, username, password, signal);
  return {
    accessToken: login.auth.accessToken,
    userId: login.auth.user.id,
    ms: login.ms,
    throttledMs: login.throttledMs,
  };
}
