import type { LobbyEntry } from '@minimeet/shared';
import type { Logger } from '../logging/logger.js';
import type { LobbyStore, WaitingSocket } from './lobby-store.js';

/** A waiting socket this process holds, with the entry it waits under (put back after a Redis outage). */
export interface HeldWaiter extends WaitingSocket {
  entry: LobbyEntry;
}

/**
 * The waiting sockets this process holds: renewed in the store on a timer (a dead process's
 * expire there), released when they disconnect or leave.
 */
export class LocalWaiters {
  /** socketId → roomId → record. */
  private readonly held = new Map<string, Map<number, HeldWaiter>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: LobbyStore,
    private readonly renewEveryMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.store.renew(this.all()).catch((err: unknown) => this.log.warn({ err }, 'renewing waiting sockets failed'));
    }, this.renewEveryMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  add(record: HeldWaiter): void {
    let rooms = this.held.get(record.socketId);
    if (!rooms) this.held.set(record.socketId, (rooms = new Map()));
    rooms.set(record.roomId, record);
  }

  get(socketId: string, roomId: number): HeldWaiter | undefined {
    return this.held.get(socketId)?.get(roomId);
  }

  remove(socketId: string, roomId: number): void {
    const rooms = this.held.get(socketId);
    rooms?.delete(roomId);
    if (rooms && !rooms.size) this.held.delete(socketId);
  }

  roomsOf(socketId: string): number[] {
    return [...(this.held.get(socketId)?.keys() ?? [])];
  }

  all(): HeldWaiter[] {
    return [...this.held.values()].flatMap((rooms) => [...rooms.values()]);
  }
}
