import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ParticipantsDeltaEvent } from '@minimeet/shared';
import { CLUSTER_BUS, type ClusterBus } from '../cluster/cluster-bus.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { RealtimeServer } from './realtime-server.js';

/**
 * Hands participantsDelta batches to every socket of the room, on every node, in one order.
 *
 * A delta is not idempotent the way a whole list was: two nodes applying "left X" and "joined X"
 * in different orders would end with different lists. So, like chat (ChatDelivery), every batch
 * goes through the cluster bus's one ordered channel (the publishing node included) and each
 * node emits it to its LOCAL sockets only: every socket sees the order Redis received them in.
 */
@Injectable()
export class ParticipantDeltaDelivery implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | undefined;
  private readonly log: Logger;

  constructor(
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'participant-deltas' });
  }

  onModuleInit() {
    this.unsubscribe = this.bus.on('participantsDelta', (delta) => {
      if (this.realtime.ready) this.realtime.emitToLocalRoom(delta.roomId, 'participantsDelta', delta);
    });
  }

  onModuleDestroy() {
    this.unsubscribe?.();
  }

  publish(delta: ParticipantsDeltaEvent): void {
    this.bus
      .broadcast('participantsDelta', delta, { includeSelf: true })
      .catch((err: unknown) => this.log.error({ err, roomId: delta.roomId }, 'publishing participantsDelta failed'));
  }
}
