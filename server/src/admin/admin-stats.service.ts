import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AdminStatsSnapshot } from '@minimeet/shared';
import { CallSessionsService } from '../calls/call-sessions.service.js';
import { withTimeout } from '../common/concurrency.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { NODE_REGISTRY, type NodeRegistry } from '../cluster/node-registry.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import { DependencyState } from '../dependencies/dependency-state.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { MediaStatsReader, type RoomSample } from '../media/media-stats-reader.js';
import { WorkerPool } from '../media/worker-pool.js';
import { MediaSignalingService } from '../media-signaling/media-signaling.service.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { UsersService } from '../users/users.service.js';
import { SnapshotAssembler } from './snapshot-assembler.js';

/** Most mediasoup requests in flight during one collection. */
const MEDIA_CONCURRENCY = 16;
/** A mediasoup request slower than this counts as failed for this snapshot. */
const MEDIA_CALL_TIMEOUT_MS = 1000;
/** Name lookups slower than this reuse the previous names. */
const DB_TIMEOUT_MS = 2000;

export type SnapshotListener = (snapshot: AdminStatsSnapshot) => void;

/** How collection is going (exported as metrics). */
export interface CollectorState {
  lastDurationMs: number;
  skippedTicks: number;
}

/**
 * Takes an AdminStatsSnapshot every ADMIN_STATS_INTERVAL_MS: worker usage, every room's
 * producers and consumers (bounded concurrency, a timeout per call), names from the database.
 * Readers (REST, admin:stats, /metrics) only ever see the latest snapshot, so no request fans
 * out into worker calls. A tick that finds the previous one still running is skipped.
 */
@Injectable()
export class AdminStatsService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly intervalMs: number;
  readonly #reader: MediaStatsReader;
  readonly #assembler = new SnapshotAssembler();
  readonly #listeners = new Set<SnapshotListener>();
  readonly #log: Logger;
  #latest: AdminStatsSnapshot | null = null;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #closed = false;
  readonly #state: CollectorState = { lastDurationMs: 0, skippedTicks: 0 };
  /** Names of the users currently in rooms (usernames never change). */
  #usernames = new Map<number, string>();
  #roomNames = new Map<number, string>();
  #callSessionIds = new Map<number, number>();

  constructor(
    @Inject(WorkerPool) private readonly pool: WorkerPool,
    @Inject(MediaSignalingService) private readonly media: MediaSignalingService,
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(CallSessionsService) private readonly calls: CallSessionsService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(NODE_REGISTRY) private readonly registry: NodeRegistry,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(DependencyState) private readonly dependencies: DependencyState,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.intervalMs = config.adminStatsIntervalMs;
    this.#log = logger.child({ context: 'admin-stats' });
    this.#reader = new MediaStatsReader({
      concurrency: MEDIA_CONCURRENCY,
      callTimeoutMs: Math.min(MEDIA_CALL_TIMEOUT_MS, this.intervalMs),
    });
  }

  /** The latest snapshot (null only before the first collection finished). */
  latest(): AdminStatsSnapshot | null {
    return this.#latest;
  }

  get collectorState(): Readonly<CollectorState> {
    return this.#state;
  }

  /** Called with every new snapshot; returns the unsubscribe function. */
  onSnapshot(listener: SnapshotListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async onApplicationBootstrap() {
    // A first snapshot before the server listens, so GET never answers an empty one.
    await this.collect();
    if (this.#closed) return;
    this.#timer = setInterval(() => void this.collect(), this.intervalMs);
    this.#timer.unref();
  }

  onModuleDestroy() {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
  }

  /** Takes one snapshot; false when skipped because the previous collection is still running. Never rejects. */
  async collect(): Promise<boolean> {
    if (this.#running) {
      this.#state.skippedTicks++;
      this.#log.warn(
        { skippedTicks: this.#state.skippedTicks },
        'stats collection still running, tick skipped',
      );
      return false;
    }
    if (this.#closed) return false;
    this.#running = true;
    const started = performance.now();
    try {
      const snapshot = await this.#take();
      this.#state.lastDurationMs = performance.now() - started;
      if (this.#closed) return true;
      this.#latest = snapshot;
      for (const listener of this.#listeners) {
        try {
          listener(snapshot);
        } catch (err) {
          this.#log.error({ err }, 'snapshot listener failed');
        }
      }
      return true;
    } catch (err) {
      this.#log.error({ err }, 'stats collection failed');
      return true;
    } finally {
      this.#running = false;
    }
  }

  async #take(): Promise<AdminStatsSnapshot> {
    const activeRooms = this.media.activeRooms();
    const [workers, rooms] = await Promise.all([
      this.#reader.readWorkers(this.pool.workers),
      this.#reader.readRooms(activeRooms),
    ]);
    const [roomNodes] = await Promise.all([this.#roomNodes(rooms), this.#refreshNames(rooms)]);
    const cpu = process.cpuUsage();
    const snapshot = this.#assembler.assemble({
      takenAt: new Date(),
      monoMs: performance.now(),
      process: {
        pid: process.pid,
        cpuMicros: cpu.user + cpu.system,
        rssBytes: process.memoryUsage.rss(),
        uptimeSeconds: process.uptime(),
      },
      workers,
      rooms,
      roomNames: this.#roomNames,
      callSessionIds: this.#callSessionIds,
      usernames: this.#usernames,
      roomHosts: new Map(activeRooms.map((room) => [room.roomId, this.media.roomHosts(room)])),
    });
    return {
      ...snapshot,
      rooms: snapshot.rooms.map((r) => ({ ...r, nodes: roomNodes.get(r.id) ?? [this.registry.self.id] })),
      nodes: this.registry.nodes().map((n) => ({
        id: n.id,
        pipeAddress: n.pipeAddress,
        alive: n.alive,
        compatible: n.compatible,
        protocolVersion: n.protocolVersion,
        self: n.id === this.registry.self.id,
        load: n.load,
        rooms: n.rooms,
        draining: n.draining,
        ...(n.publicUrl ? { publicUrl: n.publicUrl } : {}),
        startedAt: new Date(n.startedAt).toISOString(),
      })),
    };
  }

  /** Which nodes hold users in each room (from presence ownership); this node alone if unknown. */
  async #roomNodes(rooms: RoomSample[]): Promise<Map<number, string[]>> {
    try {
      return await withTimeout(this.presence.roomNodes(rooms.map((r) => r.roomId)), DB_TIMEOUT_MS, 'room nodes lookup');
    } catch (err) {
      // A Redis outage is logged once by DependencyState, not on every tick.
      if (!this.dependencies.unavailable(err) && this.dependencies.status('redis') === 'ok')
        this.#log.warn({ err }, 'admin stats room nodes lookup failed');
      return new Map();
    }
  }

  /** Room names and running calls of the rooms with media, and usernames not seen before. */
  async #refreshNames(rooms: RoomSample[]): Promise<void> {
    const roomIds = rooms.map((r) => r.roomId);
    const userIds = new Set(rooms.flatMap((r) => r.peers.map((p) => p.userId)));
    const unknownUsers = [...userIds].filter((id) => !this.#usernames.has(id));
    try {
      const [roomNames, callSessionIds, users] = await withTimeout(
        Promise.all([
          this.rooms.namesByIds(roomIds),
          this.calls.openSessionIds(roomIds),
          this.users.findByIds(unknownUsers),
        ]),
        DB_TIMEOUT_MS,
        'admin stats name lookup',
      );
      this.#roomNames = roomNames;
      this.#callSessionIds = callSessionIds;
      for (const [id, user] of users) this.#usernames.set(id, user.username);
    } catch (err) {
      // Keep the previous names: the media numbers are still worth publishing. A database
      // outage is logged once by DependencyState, not on every tick.
      if (!this.dependencies.unavailable(err) && this.dependencies.status('db') === 'ok')
        this.#log.warn({ err }, 'admin stats name lookup failed');
    }
    for (const id of this.#usernames.keys()) if (!userIds.has(id)) this.#usernames.delete(id);
  }
}
