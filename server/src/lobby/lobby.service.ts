import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  type JoinRoomData,
  type LobbyDecisionData,
  type LobbyDecisionRequest,
  type LobbyEntry,
  type LobbyRoomRequest,
  type RoomDto,
  type UserDto,
} from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AnnouncementsAfterOutage } from '../dependencies/after-outage.js';
import { DependencyState } from '../dependencies/dependency-state.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import { joinRole } from '../realtime/join-admission.js';
import { RealtimeServer } from '../realtime/realtime-server.js';
import type { JoinContext, JoinGate, JoinGateContext } from '../realtime/room-lifecycle.js';
import { RoomJoinLimiter } from '../realtime/room-join-limiter.js';
import { RoomSessionService } from '../realtime/room-session.service.js';
import type { AppSocket } from '../realtime/socket-types.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { RoomEvents } from '../rooms/room-events.js';
import type { Room } from '../rooms/room.entity.js';
import { isModerator } from '../rooms/rooms.service.js';
import { WebhookOutbox } from '../webhooks/webhook-outbox.service.js';
import { lobbyHostsChannel, lobbyWaiterChannel } from './lobby-channels.js';
import { LOBBY_STORE, type LobbyStore } from './lobby-store.js';
import { LocalWaiters } from './local-waiters.js';

/**
 * The lobby (waiting room): a join gate of the room session that holds joiners who must wait
 * (guests, or everyone but the moderators, per the room's `lobby` setting), and the moderators'
 * decisions. The list lives in the shared LobbyStore; events go through Socket.IO rooms that
 * span nodes (lobby-channels.ts). Everything that changes the list runs in the room's serial
 * queue, ordered with its joins and leaves.
 */
@Injectable()
export class LobbyService implements JoinGate, OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private readonly knocks: RoomJoinLimiter;
  private readonly local: LocalWaiters;
  private readonly unsubscribers: Array<() => void> = [];
  /** Lists sent again after a Redis outage, once the other nodes listen again. */
  private readonly afterOutage = new AnnouncementsAfterOutage();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOBBY_STORE) private readonly store: LobbyStore,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(RoomSessionService) private readonly sessions: RoomSessionService,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(RoomEvents) private readonly roomEvents: RoomEvents,
    @Inject(WebhookOutbox) private readonly webhooks: WebhookOutbox,
    @Inject(DependencyState) private readonly dependencies: DependencyState,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'lobby' });
    this.knocks = new RoomJoinLimiter(config.lobby.knocksPerMinute, 'Knocking on');
    // Renewed three times per TTL, like the node registry's heartbeat.
    this.local = new LocalWaiters(store, Math.max(1000, Math.floor(config.cluster.nodeTtlMs / 3)), this.log);
  }

  onModuleInit() {
    const failed = (what: string, roomId: number) => (err: unknown) => this.log.error({ err, roomId }, what);
    this.unsubscribers.push(
      this.sessions.registerJoinGate(this),
      this.sessions.registerJoinContributor((ctx) => this.joined(ctx)),
      this.sessions.on('socketLeft', ({ roomId, socketId }) => {
        void this.realtime.io.sockets.sockets.get(socketId)?.leave(lobbyHostsChannel(roomId));
      }),
      // The call is over: the next one starts with nobody admitted.
      this.sessions.on('userLeft', ({ roomId, roomEmpty }) => {
        if (roomEmpty) this.store.clearAdmissions(roomId).catch(failed('clearing admissions failed', roomId));
      }),
      this.sessions.on('roomClosed', ({ roomId }) => {
        this.store.clearAdmissions(roomId).catch(failed('clearing admissions failed', roomId));
      }),
      this.roomEvents.onRoomUpdated(({ room }) => {
        this.settingChanged(room).catch(failed('admitting after a lobby change failed', room.id));
      }),
      this.roomEvents.onRoomDeleted(({ roomId }) => {
        this.roomDeleted(roomId).catch(failed('clearing a deleted room lobby failed', roomId));
      }),
      this.dependencies.onBack((dependency) => {
        if (dependency === 'redis') void this.restoreAfterOutage();
      }),
    );
    this.local.start();
  }

  async onModuleDestroy() {
    this.local.stop();
    this.afterOutage.stop();
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    // This process's waiters are going away with it: off the list now rather than at expiry.
    const rooms = new Set<number>();
    for (const held of this.local.all()) {
      if (await this.store.removeSocket(held).catch(() => false)) rooms.add(held.roomId);
    }
    for (const roomId of rooms) await this.broadcast(roomId).catch(() => undefined);
  }

  /**
   * Redis is back: one that restarted empty forgot who waits, while the waiters still wait here.
   * This process's waiters are put back under their first knock's time (no cap, no new knock:
   * they were let wait already) and each room's moderators get the list again. Never rejects.
   */
  async restoreAfterOutage(): Promise<void> {
    const rooms = new Set<number>();
    try {
      for (const held of this.local.all()) {
        await this.store.wait(held.roomId, held.entry, held.socketId, Number.MAX_SAFE_INTEGER);
        rooms.add(held.roomId);
      }
    } catch (err) {
      this.log.warn({ err }, 'putting lobby waiters back after a Redis outage failed');
      return;
    }
    if (!rooms.size) return;
    this.log.info({ rooms: [...rooms] }, 'lobby waiters put back after a Redis outage');
    // Moderators may be on nodes whose subscribers are a moment behind this one's.
    this.afterOutage.schedule(() => {
      for (const roomId of rooms)
        this.broadcast(roomId).catch((err: unknown) => this.log.warn({ err, roomId }, 'lobby list not sent after a Redis outage'));
    });
  }

  // ---- the gate (in the room's queue) ----

  async check({ socket, user, room }: JoinGateContext): Promise<void> {
    if (!(await this.mustWait(room, user))) return;
    const roomId = room.id;
    if (await this.store.isDenied(roomId, user.id))
      throw new AppError(ErrorCode.LOBBY_DENIED, 'The host did not let you in');
    if (!(await this.store.isWaiting(roomId, user.id))) this.knocks.take(roomId, user.id);
    const entry: LobbyEntry = {
      userId: user.id,
      username: user.username,
      ...(user.role === 'guest' ? { guest: true as const } : {}),
      since: new Date().toISOString(),
    };
    const outcome = await this.store.wait(roomId, entry, socket.id, this.config.lobby.maxWaiting);
    if (outcome === 'full')
      throw new AppError(ErrorCode.LIMIT_EXCEEDED, `The lobby of room ${roomId} is full (${this.config.lobby.maxWaiting} waiting)`);
    const held = { roomId, userId: user.id, socketId: socket.id, entry };
    this.local.add(held);
    await socket.join(lobbyWaiterChannel(roomId, user.id));
    if (socket.disconnected) {
      // Gone while we recorded it: its disconnect cleanup ran before this record existed.
      await this.release(socket, roomId);
      throw new AppError(ErrorCode.NOT_IN_ROOM, 'Disconnected while joining');
    }
    if (outcome === 'added') {
      this.log.info({ roomId, userId: user.id, guest: user.role === 'guest' }, 'knock: waiting in the lobby');
      await this.broadcast(roomId);
      this.webhooks
        .record({ type: 'lobby.knock', roomId, participant: { userId: user.id, role: joinRole(room, user) } })
        .catch((err: unknown) => this.log.error({ err, roomId, userId: user.id }, 'recording lobby.knock failed'));
    }
    throw new AppError(ErrorCode.WAITING_IN_LOBBY, 'Waiting for the host to let you in');
  }

  heldRooms(socket: AppSocket): number[] {
    return this.local.roomsOf(socket.id);
  }

  /** The socket leaves the lobby (leaveRoom, disconnect): the list loses its user once no socket of theirs waits. */
  async release(socket: AppSocket, roomId: number): Promise<boolean> {
    const held = this.local.get(socket.id, roomId);
    if (!held) return false;
    // The store first: a failure (Redis down) is retried with the local record still there.
    const left = await this.store.removeSocket(held);
    this.local.remove(socket.id, roomId);
    await socket.leave(lobbyWaiterChannel(roomId, held.userId));
    if (left) {
      this.log.info({ roomId, userId: held.userId }, 'left the lobby');
      await this.broadcast(roomId);
    }
    return true;
  }

  /**
   * Who waits: nobody with the lobby off; moderators never; in 'guests' mode only guests; never
   * someone present already (another tab, a reconnect within the grace period) or admitted
   * earlier in this call.
   */
  private async mustWait(room: Room, user: UserDto): Promise<boolean> {
    const mode = room.lobby ?? 'off';
    if (mode === 'off' || isModerator(room, user)) return false;
    if (mode === 'guests' && user.role !== 'guest') return false;
    if ((await this.presence.roleOf(room.id, user.id)) !== null) return false;
    return !(await this.store.isAdmitted(room.id, user.id));
  }

  /** Join contributor: a socket that waited here is in the call now; moderators get the list and its updates. */
  private async joined({ socket, user, room }: JoinContext): Promise<Partial<JoinRoomData>> {
    if (this.local.get(socket.id, room.id)) await this.release(socket, room.id);
    if (!isModerator(room, user)) return {};
    await socket.join(lobbyHostsChannel(room.id));
    return { lobbyWaiting: await this.store.waiting(room.id) };
  }

  // ---- moderators' decisions ----

  admit(by: UserDto, req: LobbyDecisionRequest): Promise<LobbyDecisionData> {
    return this.decide(by, req, async (roomId, userId) => {
      await this.store.admit(roomId, userId);
      this.tellWaiter(roomId, userId, 'lobbyAdmitted');
    });
  }

  deny(by: UserDto, req: LobbyDecisionRequest): Promise<LobbyDecisionData> {
    return this.decide(by, req, async (roomId, userId) => {
      await this.store.deny(roomId, userId, this.config.lobby.denyCooldownMs);
      this.tellWaiter(roomId, userId, 'lobbyDenied');
    });
  }

  async admitAll(by: UserDto, req: LobbyRoomRequest): Promise<LobbyDecisionData> {
    await this.access.requireModerator(req.roomId, by);
    return this.sessions.runInRoom(req.roomId, async () => {
      const admitted = await this.admitWhere(req.roomId, () => true);
      this.log.info({ roomId: req.roomId, byUserId: by.id, admitted }, 'everyone in the lobby admitted');
      return this.broadcast(req.roomId);
    });
  }

  /** NOT_FOUND when the user is not waiting (someone decided first, or they left). */
  private async decide(
    by: UserDto,
    { roomId, userId }: LobbyDecisionRequest,
    apply: (roomId: number, userId: number) => Promise<void>,
  ): Promise<LobbyDecisionData> {
    await this.access.requireModerator(roomId, by);
    return this.sessions.runInRoom(roomId, async () => {
      if (!(await this.store.take(roomId, userId)))
        throw new AppError(ErrorCode.NOT_FOUND, `User ${userId} is not waiting in room ${roomId}`);
      await apply(roomId, userId);
      this.log.info({ roomId, userId, byUserId: by.id }, 'lobby decision');
      return this.broadcast(roomId);
    });
  }

  /** (In the room's queue.) Admits the waiters `pick` chooses; returns how many. */
  private async admitWhere(roomId: number, pick: (entry: LobbyEntry) => boolean): Promise<number> {
    let admitted = 0;
    for (const entry of await this.store.waiting(roomId)) {
      if (!pick(entry) || !(await this.store.take(roomId, entry.userId))) continue;
      await this.store.admit(roomId, entry.userId);
      this.tellWaiter(roomId, entry.userId, 'lobbyAdmitted');
      admitted++;
    }
    return admitted;
  }

  /** The lobby was turned off (everyone in) or down to guests only (members in). */
  private async settingChanged(room: RoomDto): Promise<void> {
    if (room.lobby === 'everyone') return;
    await this.sessions.runInRoom(room.id, async () => {
      const admitted = await this.admitWhere(room.id, (e) => room.lobby === 'off' || !e.guest);
      if (!admitted) return;
      this.log.info({ roomId: room.id, lobby: room.lobby, admitted }, 'admitted after the lobby setting changed');
      await this.broadcast(room.id);
    });
  }

  private async roomDeleted(roomId: number): Promise<void> {
    for (const entry of await this.store.clearRoom(roomId)) {
      const channel = lobbyWaiterChannel(roomId, entry.userId);
      this.realtime.io.to(channel).emit('roomDeleted', { roomId });
      this.realtime.io.in(channel).socketsLeave(channel);
    }
  }

  // ---- delivery (reaches sockets on every node) ----

  /** Sends the room's moderators the whole list; returns it. */
  private async broadcast(roomId: number): Promise<LobbyDecisionData> {
    const update = { roomId, waiting: await this.store.waiting(roomId) };
    if (this.realtime.ready) this.realtime.io.to(lobbyHostsChannel(roomId)).emit('lobbyUpdate', update);
    return update;
  }

  /** Tells every socket of the user waiting in the room, then lets them out of the waiting channel. */
  private tellWaiter(roomId: number, userId: number, event: 'lobbyAdmitted' | 'lobbyDenied'): void {
    if (!this.realtime.ready) return;
    const channel = lobbyWaiterChannel(roomId, userId);
    this.realtime.io.to(channel).emit(event, { roomId });
    this.realtime.io.in(channel).socketsLeave(channel);
  }
}
