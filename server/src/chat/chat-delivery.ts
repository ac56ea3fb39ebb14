import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ChatMessage } from '@minimeet/shared';
import { CLUSTER_BUS, type ClusterBus } from '../cluster/cluster-bus.js';
import { RealtimeServer } from '../realtime/realtime-server.js';

/**
 * Hands stored chat messages to every member of the room, on every node, in one order.
 *
 * Why not emitToRoom: through the Socket.IO Redis adapter a process's own sockets get its
 * messages at once and other processes' messages later, so two processes show two orders.
 * Instead every message goes through the cluster bus's one ordered channel (Redis pub/sub, the
 * sender included) and each node emits it to its LOCAL sockets only: every socket sees the one
 * order Redis received the publishes in. ChatService publishes while holding the room's cluster
 * lock, right after the insert, so that order is also message id order.
 */
@Injectable()
export class ChatDelivery implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
  ) {}

  onModuleInit() {
    this.unsubscribe = this.bus.on('chatMessage', ({ message }) => {
      if (this.realtime.ready) this.realtime.emitToLocalRoom(message.roomId, 'newMessage', { message });
    });
  }

  onModuleDestroy() {
    this.unsubscribe?.();
  }

  /** Resolves once the message is on the ordered channel (not when sockets got it). */
  publish(message: ChatMessage): Promise<void> {
    return this.bus.broadcast('chatMessage', { message }, { includeSelf: true });
  }
}
