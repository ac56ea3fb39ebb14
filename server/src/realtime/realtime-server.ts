import { Inject, Injectable } from '@nestjs/common';
import type { ServerEvents, ServerEventName } from '@minimeet/shared';
import { EventEmitter } from 'node:events';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { mediaChannel, roomChannel, type AppServer, type AppSocket, type InterServerEvents } from './socket-types.js';

type ProcessEventName = keyof InterServerEvents;
type ProcessEventPayload<E extends ProcessEventName> = Parameters<InterServerEvents[E]>[0];

/**
 * Hands the Socket.IO server (created by Nest for the gateways) to services that must emit
 * outside a socket handler, e.g. after a REST call deletes a room.
 */
@Injectable()
export class RealtimeServer {
  private server: AppServer | undefined;
  /** Listeners of process-wide events (see everyProcess), fed locally and by other processes. */
  private readonly processEvents = new EventEmitter();
  private readonly wiredProcessEvents = new Set<ProcessEventName>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  attach(server: AppServer): void {
    this.server = server;
    for (const event of this.wiredProcessEvents) this.wireProcessEvent(event);
  }

  get io(): AppServer {
    if (!this.server) throw new Error('Socket.IO server not initialised yet');
    return this.server;
  }

  get ready(): boolean {
    return this.server !== undefined;
  }

  /** Emits to every socket (on every process) in the room. */
  emitToRoom<E extends ServerEventName>(roomId: number, event: E, payload: ServerEvents[E]): void {
    // The mapped event signature cannot be narrowed through a generic key; the payload type is
    // still checked against ServerEvents[E] above.
    (this.io.to(roomChannel(roomId)).emit as (ev: E, p: ServerEvents[E]) => boolean)(event, payload);
  }

  /** Emits to this process's sockets in the room only (other processes emit to theirs). */
  emitToLocalRoom<E extends ServerEventName>(roomId: number, event: E, payload: ServerEvents[E]): void {
    (this.io.local.to(roomChannel(roomId)).emit as (ev: E, p: ServerEvents[E]) => boolean)(event, payload);
  }

  /**
   * Emits to the room's sockets joined with media (producer events: only they can consume), on
   * every process or, with `localOnly`, on this one.
   */
  emitToMedia<E extends ServerEventName>(roomId: number, event: E, payload: ServerEvents[E], localOnly = false): void {
    const target = localOnly ? this.io.local.to(mediaChannel(roomId)) : this.io.to(mediaChannel(roomId));
    (target.emit as (ev: E, p: ServerEvents[E]) => boolean)(event, payload);
  }

  /** This process's sockets that are in the room (optionally only one user's). */
  localSocketsIn(roomId: number, userId?: number): AppSocket[] {
    if (!this.server) return [];
    const out: AppSocket[] = [];
    for (const socket of this.server.sockets.sockets.values()) {
      if (!socket.data.joinedRooms?.has(roomId)) continue;
      if (userId !== undefined && socket.data.user.id !== userId) continue;
      out.push(socket);
    }
    return out;
  }

  /**
   * Delivers an event to this process's listeners and, when several processes share a Redis
   * adapter, to theirs (serverSideEmit): each process then acts on the sockets it holds. The
   * local listeners run first and are awaited; other processes act asynchronously.
   */
  async everyProcess<E extends ProcessEventName>(event: E, payload: ProcessEventPayload<E>): Promise<void> {
    if (this.config.redisUrl && this.server) {
      (this.server.serverSideEmit as (ev: E, p: ProcessEventPayload<E>) => boolean)(event, payload);
    }
    await Promise.all(
      this.processEvents.listeners(event).map((l) => (l as (p: ProcessEventPayload<E>) => Promise<void>)(payload)),
    );
  }

  /** Subscribes to a process-wide event; returns the unsubscribe function. */
  onEveryProcess<E extends ProcessEventName>(
    event: E,
    listener: (payload: ProcessEventPayload<E>) => Promise<void>,
  ): () => void {
    this.processEvents.on(event, listener);
    if (!this.wiredProcessEvents.has(event)) {
      this.wiredProcessEvents.add(event);
      if (this.server) this.wireProcessEvent(event);
    }
    return () => this.processEvents.off(event, listener);
  }

  /** Events from other processes reach the same local listeners (errors are theirs to log). */
  private wireProcessEvent(event: ProcessEventName): void {
    if (!this.config.redisUrl || !this.server) return;
    (this.server.on as (ev: ProcessEventName, l: (p: unknown) => void) => AppServer)(event, (payload) => {
      for (const l of this.processEvents.listeners(event)) (l as (p: unknown) => Promise<void>)(payload).catch(() => undefined);
    });
  }
}
