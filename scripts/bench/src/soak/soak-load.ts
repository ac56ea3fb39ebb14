/**
 * The soak load: in each room some bots (audio + video, consuming everyone, chatting) stay for the
 * whole run while others churn — join, stay, leave (half of the time with leaveRoom, otherwise by
 * dropping the connection as a closed tab does), stay away, join again as the same user. Every
 * join is a new Socket.IO connection, new transports, producers and consumers on the server.
 */
import { Bot, logIn, type BotLogin } from '../../../bots/src/bot.js';
import { ChatLedger } from '../../../bots/src/chat-ledger.js';
import { ensureRooms } from '../../../bots/src/rest.js';
import type { SoakPlan } from './soak-plan.js';

const PASSWORD = 'minimeet-soak-pw';
/** Error messages kept for the report (the count is always complete). */
const KEEP_ERRORS = 20;

interface Slot {
  index: number;
  username: string;
  room: number;
  roomId: number;
  churns: boolean;
  login: BotLogin;
}

export interface SoakLoadCounters {
  /** Joins that completed (media flowing), stayers included. */
  joins: number;
  failedJoins: number;
  leavesExplicit: number;
  leavesDropped: number;
  /** Bots in a room right now. */
  inRoom: number;
  errors: number;
  recentErrors: string[];
}

export class SoakLoad {
  readonly counters: SoakLoadCounters = {
    joins: 0,
    failedJoins: 0,
    leavesExplicit: 0,
    leavesDropped: 0,
    inRoom: 0,
    errors: 0,
    recentErrors: [],
  };
  readonly #ledger = new ChatLedger();
  readonly #bots = new Set<Bot>();
  readonly #loops: Promise<void>[] = [];
  readonly #stop = new AbortController();
  /** Chat figures of bots already closed (a closed bot's counters are added here). */
  #closedChat = { sent: 0, refused: 0 };

  constructor(
    private readonly url: string,
    private readonly plan: SoakPlan,
    private readonly namePrefix: string,
  ) {}

  /** Creates the rooms and users, then starts every bot's loop (returns once the stayers joined). */
  async start(adminToken: string): Promise<void> {
    const { rooms, stayersPerRoom, churnersPerRoom } = this.plan;
    const perRoom = stayersPerRoom + churnersPerRoom;
    const roomDtos = await ensureRooms(
      this.url,
      adminToken,
      Array.from({ length: rooms }, (_, r) => `${this.namePrefix}-room-${r + 1}`),
      perRoom,
    );
    const slots: Slot[] = [];
    for (let r = 0; r < rooms; r++) {
      for (let i = 0; i < perRoom; i++) {
        const index = r * perRoom + i;
        const username = `${this.namePrefix}_${index + 1}`;
        slots.push({
          index,
          username,
          room: r,
          roomId: roomDtos[r]!.id,
          churns: i >= stayersPerRoom,
          login: await logIn(this.url, username, PASSWORD),
        });
      }
    }
    const stayers = slots.filter((s) => !s.churns);
    await Promise.all(stayers.map((s) => this.#join(s)));
    for (const s of slots.filter((x) => x.churns)) this.#loops.push(this.#churn(s));
  }

  /** Stops the churn and closes every bot. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.all(this.#loops);
    await Promise.all([...this.#bots].map((b) => this.#leave(b, false)));
  }

  /** Chat messages sent and refused so far (closed bots included). */
  chat(): { sent: number; refused: number } {
    let { sent, refused } = this.#closedChat;
    for (const b of this.#bots) {
      sent += b.chat.sent;
      refused += b.chat.refused;
    }
    return { sent, refused };
  }

  async #churn(slot: Slot): Promise<void> {
    const { churnStaySec, churnAwaySec } = this.plan;
    let explicit = slot.index % 2 === 0;
    // Spread the first joins over the first stay, so churners are not in step.
    await this.#sleep(Math.random() * churnStaySec[0] * 1000);
    while (!this.#stop.signal.aborted) {
      const bot = await this.#join(slot);
      await this.#sleep(uniform(churnStaySec) * 1000);
      if (bot) await this.#leave(bot, explicit);
      explicit = !explicit;
      await this.#sleep(uniform(churnAwaySec) * 1000);
    }
  }

  async #join(slot: Slot): Promise<Bot | null> {
    if (this.#stop.signal.aborted) return null;
    const bot = new Bot(
      {
        index: slot.index,
        username: slot.username,
        room: slot.room,
        roomId: slot.roomId,
        startAt: Date.now(),
        login: slot.login,
      },
      { url: this.url, password: PASSWORD, audioOnly: false, role: 'both' },
      (b, message) => this.#error(`${b.plan.username}: ${message}`),
    );
    this.#bots.add(bot);
    await bot.start(this.#stop.signal);
    if (!bot.joined) {
      this.counters.failedJoins++;
      await this.#leave(bot, false);
      return null;
    }
    this.counters.joins++;
    this.counters.inRoom++;
    bot.startChat(this.plan.chatPerSec, this.#ledger);
    return bot;
  }

  async #leave(bot: Bot, explicit: boolean): Promise<void> {
    if (!this.#bots.delete(bot)) return;
    bot.stopChat();
    if (bot.joined) {
      this.counters.inRoom--;
      if (explicit && bot.peer) {
        const ack = await bot.peer
          .rawRequest('leaveRoom', { roomId: bot.plan.roomId })
          .catch((err: unknown) => ({
            ok: false as const,
            error: { code: 'TIMEOUT', message: err instanceof Error ? err.message : String(err) },
          }));
        if (!ack.ok)
          this.#error(`${bot.plan.username}: leaveRoom refused: ${ack.error.code} ${ack.error.message}`);
      }
      if (explicit) this.counters.leavesExplicit++;
      else this.counters.leavesDropped++;
    }
    this.#closedChat.sent += bot.chat.sent;
    this.#closedChat.refused += bot.chat.refused;
    await bot.close();
  }

  #error(message: string): void {
    this.counters.errors++;
    this.counters.recentErrors.push(`${new Date().toISOString()} ${message}`);
    if (this.counters.recentErrors.length > KEEP_ERRORS) this.counters.recentErrors.shift();
  }

  /** Waits, or returns at once when the load stops. */
  #sleep(ms: number): Promise<void> {
    const signal = this.#stop.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function uniform([min, max]: [number, number]): number {
  return min + Math.random() * (max - min);
}
