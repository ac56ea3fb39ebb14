import { Inject, Injectable } from '@nestjs/common';
import type { ServerDrainingEvent } from '@minimeet/shared';
import { NODE_REGISTRY, type ClusterNodeState, type NodeRegistry } from '../cluster/node-registry.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { DrainState } from '../realtime/drain-state.js';
import { RealtimeServer } from '../realtime/realtime-server.js';
import { RoomSessionService } from '../realtime/room-session.service.js';
import { reconnectDelays } from './reconnect-delays.js';

/** How often the drain looks whether its sockets have gone. */
const CHECK_MS = 100;

export interface DrainOutcome {
  /** Sockets told to reconnect. */
  told: number;
  /** Sockets still connected when the drain ended (0: all moved). */
  left: number;
  ms: number;
}

/**
 * A node's graceful stop (SIGTERM / SIGINT, see shutdown-signals.ts): it takes no new joins or
 * sockets (DrainState), shows itself draining in the node registry, tells every socket to
 * reconnect (to another node where one is up: its CLUSTER_PUBLIC_URL; the delays spread over
 * part of the grace period), and waits until they have gone or SHUTDOWN_GRACE_MS has passed.
 * The app closes after that; with other nodes up, the presence it leaves is handed to them.
 */
@Injectable()
export class DrainService {
  private readonly log: Logger;
  #cutShort: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(NODE_REGISTRY) private readonly registry: NodeRegistry,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(DrainState) private readonly state: DrainState,
    @Inject(RoomSessionService) private readonly sessions: RoomSessionService,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'drain' });
  }

  /** Drains (once); resolves when the node may close. */
  async drain(signal: string): Promise<DrainOutcome> {
    const graceMs = this.config.shutdown.graceMs;
    const startedAt = Date.now();
    this.state.begin();
    this.log.info({ signal, graceMs }, 'draining: no new joins; telling clients to reconnect elsewhere');
    await this.registry
      .markDraining()
      .catch((err: unknown) => this.log.warn({ err }, 'could not publish draining in the node registry'));
    const sockets = this.realtime.ready ? [...this.realtime.io.sockets.sockets.values()] : [];
    const alternatives = await this.alternatives();
    const delays = reconnectDelays(sockets.length, graceMs);
    sockets.forEach((socket, i) => {
      const target = alternatives.length ? alternatives[i % alternatives.length] : undefined;
      const event: ServerDrainingEvent = {
        reconnectInMs: delays[i]!,
        shutdownInMs: graceMs,
        ...(target?.publicUrl ? { alternativeUrl: target.publicUrl } : {}),
      };
      socket.emit('serverDraining', event);
    });
    this.log.info(
      {
        sockets: sockets.length,
        alternatives: alternatives.map((n) => n.id),
        spreadMs: delays.length ? Math.max(...delays) : 0,
      },
      'told clients to reconnect',
    );
    const left = await this.waitForSockets(startedAt + graceMs);
    if (this.otherNodesUp()) this.sessions.handOffPresenceAtShutdown();
    const outcome = { told: sockets.length, left, ms: Date.now() - startedAt };
    if (left) this.log.warn(outcome, 'drain grace period over: closing the sockets still here');
    else this.log.info(outcome, 'drained: every socket has gone');
    return outcome;
  }

  /** Ends a running drain's wait now (a second signal). */
  cutShort(): void {
    this.#cutShort?.();
  }

  /** Other nodes clients may move to: alive, same protocol major, not draining, with a public URL. */
  private async alternatives(): Promise<ClusterNodeState[]> {
    await this.registry.refresh().catch(() => undefined);
    return this.registry
      .nodes()
      .filter((n) => n.id !== this.registry.self.id && n.alive && n.compatible && !n.draining && n.publicUrl)
      .sort((a, b) => a.load - b.load);
  }

  private otherNodesUp(): boolean {
    return !!this.config.redisUrl && this.registry.nodes().some((n) => n.id !== this.registry.self.id && n.alive && n.compatible);
  }

  /** Resolves with the number of sockets left, at 0 or at the deadline (or when cut short). */
  private waitForSockets(deadline: number): Promise<number> {
    const count = () => (this.realtime.ready ? this.realtime.io.sockets.sockets.size : 0);
    return new Promise((resolve) => {
      const finish = () => {
        clearInterval(timer);
        this.#cutShort = undefined;
        resolve(count());
      };
      const timer = setInterval(() => {
        if (count() === 0 || Date.now() >= deadline) finish();
      }, CHECK_MS);
      this.#cutShort = finish;
      if (count() === 0) finish();
    });
  }
}
