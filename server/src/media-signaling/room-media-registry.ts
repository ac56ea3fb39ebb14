import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { RoomMedia } from '../media/room-media.js';
import { WorkerPool } from '../media/worker-pool.js';

interface RegistryEvents {
  /** A room's media was created on this node (listeners wire its events before anyone joins it). */
  roomCreated: [RoomMedia];
}

/** This node's rooms with media: room id → RoomMedia, created on first use, closed when empty. */
@Injectable()
export class RoomMediaRegistry implements OnModuleDestroy {
  private readonly rooms = new Map<number, RoomMedia>();
  private readonly creating = new Map<number, Promise<RoomMedia>>();
  private readonly events = new EventEmitter<RegistryEvents>();
  private readonly log: Logger;

  constructor(
    @Inject(WorkerPool) private readonly pool: WorkerPool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'media-signaling' });
    this.events.setMaxListeners(0);
  }

  onModuleDestroy() {
    for (const room of [...this.rooms.values()]) room.close();
    this.rooms.clear();
    this.events.removeAllListeners();
  }

  onRoomCreated(listener: (room: RoomMedia) => void): () => void {
    this.events.on('roomCreated', listener);
    return () => this.events.off('roomCreated', listener);
  }

  /** The room's media if it is open on this node. */
  get(roomId: number): RoomMedia | undefined {
    const room = this.rooms.get(roomId);
    return room && !room.closed ? room : undefined;
  }

  /** The rooms that currently hold media, for read-only observers (admin stats). */
  active(): readonly RoomMedia[] {
    return [...this.rooms.values()].filter((room) => !room.closed);
  }

  /** The room's media, created on first use (concurrent callers share one creation). */
  async open(roomId: number): Promise<RoomMedia> {
    const existing = this.get(roomId);
    if (existing) return existing;
    let pending = this.creating.get(roomId);
    if (!pending) {
      pending = RoomMedia.create(
        roomId,
        this.pool,
        {
          maxIncomingBitrate: this.config.media.maxIncomingBitrate,
          routerSpillLoad: this.config.media.routerSpillLoad,
          minOutgoingBitrate: this.config.media.minOutgoingBitrate,
          audioLoudestK: this.config.media.audioLoudestK,
          videoConsumersPerPeerMax: this.config.media.videoConsumersPerPeerMax,
        },
        this.log,
      )
        .then((room) => {
          this.rooms.set(roomId, room);
          room.once('closed', () => {
            if (this.rooms.get(roomId) === room) this.rooms.delete(roomId);
          });
          this.events.emit('roomCreated', room);
          return room;
        })
        .finally(() => this.creating.delete(roomId));
      this.creating.set(roomId, pending);
    }
    return pending;
  }

  closeIfEmpty(roomId: number): void {
    const room = this.rooms.get(roomId);
    if (room && room.peers.size === 0) room.close();
  }

  close(roomId: number): void {
    this.rooms.get(roomId)?.close();
  }
}
