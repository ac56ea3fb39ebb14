import type { KeyedSerialQueue } from '../common/keyed-serial-queue.js';
import type { Logger } from '../logging/logger.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { CallBookkeeping } from './call-bookkeeping.js';
import type { OutageRetries } from './outage-retries.js';
import type { ParticipantDeltaBatcher } from './participant-deltas.js';
import type { PresenceGraceTimers } from './presence-grace-timers.js';
import type { RoomLifecycleHub, SocketLeftReason } from './room-lifecycle.js';
import { roomChannel, type AppSocket } from './socket-types.js';

export interface RoomDeparturesDeps {
  queue: KeyedSerialQueue<number>;
  presence: PresenceStore;
  graceTimers: PresenceGraceTimers;
  callLog: CallBookkeeping;
  deltas: ParticipantDeltaBatcher;
  hub: RoomLifecycleHub;
  retries: OutageRetries;
  log: Logger;
  presenceGraceMs: number;
}

/**
 * How sockets and users leave rooms: a socket detaches (the user stays for the grace period or
 * goes at once), a user with no socket left is removed (presence, call row, delta, userLeft), and
 * at shutdown what is left is settled or handed off to the sweeping node. The methods marked so
 * run inside the room's serial queue; the caller holds it.
 */
export class RoomDepartures {
  private closing = false;
  /** See handOffAtShutdown. */
  private handOff = false;

  constructor(private readonly d: RoomDeparturesDeps) {}

  /**
   * Stopping after a drain while other nodes run: what this node's sockets and grace periods
   * leave in shared presence stays there for the node that sweeps this boot (PresenceSweeper),
   * which removes those users after PRESENCE_GRACE_MS unless they are back by then, on any node.
   * Settling them here would show users who are moving to another node as leaving.
   */
  handOffAtShutdown(): void {
    this.handOff = true;
  }

  /**
   * The process is closing (after in-flight joins/leaves finished): from now on detaches remove
   * users at once (or hand them off). Users in their grace period would otherwise stay present in
   * shared presence (and in an open call) for good, as this process's timers die with it, so they
   * are settled now, unless handed off (the sweeping node ends those grace periods).
   */
  async settleGraceAtShutdown(): Promise<void> {
    this.closing = true;
    await this.d.queue.idle();
    const cutShort = this.d.graceTimers.drain();
    if (this.handOff) return;
    await Promise.all(
      cutShort.map(([roomId, userId]) =>
        this.d.queue.run(roomId, () => this.removeUserIfIdle(roomId, userId)).catch(() => undefined),
      ),
    );
  }

  /** (In the room's queue.) Takes one socket out of a room; removes the user now or after the grace period. */
  async detachSocket(
    socket: AppSocket,
    roomId: number,
    reason: SocketLeftReason,
    removeNow: boolean,
  ): Promise<void> {
    const { presence, hub, log } = this.d;
    const userId = socket.data.user.id;
    socket.data.joinedRooms.delete(roomId);
    socket.data.adminOnlyRooms?.delete(roomId);
    if (this.closing && this.handOff) {
      // Its presence entry stays for the sweeping node (handOffAtShutdown).
      hub.emit('socketLeft', { roomId, userId, socketId: socket.id, reason });
      return;
    }
    if (reason !== 'disconnect') await socket.leave(roomChannel(roomId));
    const remaining = await presence.removeSocket(roomId, userId, socket.id);
    log.info({ roomId, userId, socketId: socket.id, reason, remaining }, 'socket left room');
    hub.emit('socketLeft', { roomId, userId, socketId: socket.id, reason });
    if (remaining > 0) return;
    // `closing` / `handOff` are read after the await: a client that disconnected at the end of
    // a drain (moving to another node) is detached while the app starts closing. Handed off,
    // its grace record (written by removeSocket) stays for the sweeping node, which removes the
    // user after the grace period unless they are back; removing it here would show a user
    // who is on the way to the other node as gone.
    if (this.closing && this.handOff) return;
    if (removeNow || this.closing) await this.removeUserIfIdle(roomId, userId);
    else this.startGrace(roomId, userId);
  }

  /** (In the room's queue.) Removes the user if no socket of theirs is left in the room. */
  async removeUserIfIdle(roomId: number, userId: number): Promise<void> {
    const { presence, graceTimers, callLog, deltas, hub, log } = this.d;
    graceTimers.clear(roomId, userId);
    if (!(await presence.removeUserIfIdle(roomId, userId))) return;
    const count = (await presence.counts([roomId])).get(roomId) ?? 0;
    log.info({ roomId, userId, remaining: count }, 'user left room');
    await callLog.userLeft(roomId, userId, count === 0);
    deltas.left(roomId, userId);
    hub.emit('userLeft', { roomId, userId, roomEmpty: count === 0 });
  }

  private startGrace(roomId: number, userId: number): void {
    const { queue, graceTimers, retries, presenceGraceMs } = this.d;
    graceTimers.start(roomId, userId, presenceGraceMs, () => {
      const expire = () => queue.run(roomId, () => this.removeUserIfIdle(roomId, userId));
      retries.run(expire, 'grace expiry failed', { roomId, userId });
    });
  }
}
