import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { NODE_REGISTRY, type ClusterNodeInfo, type NodeRegistry } from '../cluster/node-registry.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { PRESENCE_STORE, type IdleUser, type PresenceStore } from '../presence/presence-store.js';
import { RoomSessionService } from './room-session.service.js';

/** A sweep claim outlives any retry of the same death report; it only has to be unique. */
const SWEEP_CLAIM_TTL_MS = 10 * 60_000;

/**
 * Presence of a dead node boot (killed, partitioned, or this node's own previous run): exactly
 * one live node (the winner of the registry claim) removes that boot's sockets at once and,
 * after PRESENCE_GRACE_MS, the users left with no socket, with the same effects as a local
 * disconnect's grace expiry (participantsDelta, call rows, userLeft). A user who reconnects
 * anywhere within the grace period stays.
 */
@Injectable()
export class PresenceSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  /** Grace timers of swept users still present, with the users each will remove. */
  private readonly pending = new Map<NodeJS.Timeout, IdleUser[]>();
  private unsubscribe: (() => void) | undefined;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(NODE_REGISTRY) private readonly registry: NodeRegistry,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(RoomSessionService) private readonly sessions: RoomSessionService,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'presence-sweeper' });
  }

  onModuleInit() {
    this.unsubscribe = this.registry.onNodeDown((node) => {
      this.sweep(node).catch((err: unknown) =>
        this.log.error({ err, nodeId: node.id, bootId: node.bootId }, 'presence sweep failed'),
      );
    });
  }

  async onModuleDestroy() {
    this.closed = true;
    this.unsubscribe?.();
    // Nobody else owns these users any more (the sweep removed their owner records): settle them
    // now rather than leave them present for good when this node stops within the grace period.
    const waiting = [...this.pending];
    this.pending.clear();
    for (const [timer] of waiting) clearTimeout(timer);
    await Promise.all(waiting.flatMap(([, users]) => users.map((u) => this.remove(u))));
  }

  private async sweep(node: ClusterNodeInfo): Promise<void> {
    if (!(await this.registry.claimOnce(`presence-sweep:${node.id}:${node.bootId}`, SWEEP_CLAIM_TTL_MS))) return;
    const idle = await this.presence.sweepOwner({ nodeId: node.id, bootId: node.bootId });
    this.log.warn(
      { nodeId: node.id, bootId: node.bootId, idleUsers: idle.length, graceMs: this.config.presenceGraceMs },
      'swept the presence of a dead node',
    );
    if (!idle.length) return;
    if (this.closed) {
      await Promise.all(idle.map((u) => this.remove(u)));
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      for (const user of idle) void this.remove(user);
    }, this.config.presenceGraceMs);
    this.pending.set(timer, idle);
  }

  /** Same effects as a grace expiry on this node; a user back meanwhile stays. Never rejects. */
  private remove({ roomId, userId }: IdleUser): Promise<void> {
    return this.sessions
      .removeIdleUser(roomId, userId)
      .catch((err: unknown) => this.log.error({ err, roomId, userId }, 'removing a swept user failed'));
  }
}
