import { participantOf } from '../presence/participant-of.js';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AnnouncementsAfterOutage } from '../dependencies/after-outage.js';
import { DependencyState } from '../dependencies/dependency-state.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import type { Participant } from '@minimeet/shared';
import { ParticipantDeltaDelivery } from './participant-delta-delivery.js';
import { RealtimeServer } from './realtime-server.js';

/**
 * After a Redis outage, puts this process's sockets back into shared presence: a Redis that
 * restarted empty has forgotten who is in which room while their sockets stayed connected here
 * (and a Redis that only stalled already has them: adding is idempotent). Rooms that got a
 * user back hear them as joined again (a participantsDelta upsert: clients that kept them listed
 * change nothing, any that missed them list them). Users who went while Redis was away may have
 * left no trace to announce, so this process's sockets of every room it holds are then told
 * participantsResync (reload the snapshot). Both go out once every node has restored its own
 * users and listens again (ANNOUNCE_AFTER_REDIS_OUTAGE_MS).
 */
@Injectable()
export class PresenceRestorer implements OnModuleInit, OnModuleDestroy {
  readonly #log: Logger;
  #unsubscribe: (() => void) | undefined;
  readonly #afterOutage = new AnnouncementsAfterOutage();

  constructor(
    @Inject(DependencyState) private readonly dependencies: DependencyState,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(ParticipantDeltaDelivery) private readonly deltas: ParticipantDeltaDelivery,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.#log = logger.child({ context: 'presence-restorer' });
  }

  onModuleInit() {
    this.#unsubscribe = this.dependencies.onBack((dependency) => {
      if (dependency === 'redis') void this.restore();
    });
  }

  onModuleDestroy() {
    this.#unsubscribe?.();
    this.#afterOutage.stop();
  }

  /** Re-adds every local socket to the rooms it has joined. Never rejects. */
  async restore(): Promise<void> {
    if (!this.realtime.ready) return;
    const readded = new Map<number, Participant[]>();
    const localRooms = new Set<number>();
    let sockets = 0;
    try {
      for (const socket of this.realtime.io.sockets.sockets.values()) {
        const user = socket.data.user;
        if (!user || socket.disconnected) continue;
        for (const roomId of socket.data.joinedRooms) {
          sockets++;
          localRooms.add(roomId);
          // Already admitted once: the room's cap does not apply to putting it back.
          const participant = participantOf(user, socket.data.roomRoles?.get(roomId) ?? 'speaker');
          const unbounded = { stage: Number.MAX_SAFE_INTEGER, audience: Number.MAX_SAFE_INTEGER };
          const outcome = await this.presence.addSocket(roomId, participant, socket.id, unbounded);
          if (outcome.admitted && outcome.userAdded)
            readded.set(roomId, [...(readded.get(roomId) ?? []), participant]);
        }
      }
      if (readded.size)
        this.#log.info({ sockets, rooms: [...readded.keys()] }, 'presence put back in Redis after its outage');
    } catch (err) {
      // Redis went away again: the next recovery tries again.
      this.#log.warn({ err }, 'putting presence back after a Redis outage failed');
      return;
    }
    // Told once every node has put its own users back and listens again: a snapshot reloaded
    // sooner could miss another node's users, and a delta sent sooner could reach nobody there.
    this.#afterOutage.schedule(() => {
      for (const [roomId, joined] of readded) this.deltas.publish({ roomId, joined, left: [], changed: [] });
      for (const roomId of localRooms) this.realtime.emitToLocalRoom(roomId, 'participantsResync', { roomId });
    });
  }
}
