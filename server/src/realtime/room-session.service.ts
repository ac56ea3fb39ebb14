import { participantOf } from '../presence/participant-of.js';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { ErrorCode, type JoinRoomData, type Participant, type ParticipantsPage, type UserDto } from '@minimeet/shared';
import { CallSessionsService } from '../calls/call-sessions.service.js';
import { AppError } from '../common/app-error.js';
import { KeyedSerialQueue } from '../common/keyed-serial-queue.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { DependencyState } from '../dependencies/dependency-state.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { RoomBansService } from '../rooms/room-bans.service.js';
import { RoomEvents } from '../rooms/room-events.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { CallBookkeeping } from './call-bookkeeping.js';
import { DrainState } from './drain-state.js';
import { JoinAdmission } from './join-admission.js';
import { ParticipantDeltaDelivery } from './participant-delta-delivery.js';
import { ParticipantDeltaBatcher } from './participant-deltas.js';
import { OutageRetries } from './outage-retries.js';
import { participantsPage } from './participants-page.js';
import { PresenceGraceTimers } from './presence-grace-timers.js';
import { RoomDepartures } from './room-departures.js';
import { RoomJoinLimiter } from './room-join-limiter.js';
import { RealtimeServer } from './realtime-server.js';
import { SocketPrivileges } from './socket-privileges.js';
import { SocketRoomSlots } from './socket-room-slots.js';
import {
  RoomLifecycleHub,
  type JoinContributor,
  type JoinGate,
  type RoomLifecycleEvents,
} from './room-lifecycle.js';
import { roomChannel, type AppSocket, type RoomEviction } from './socket-types.js';

/**
 * Joins and leaves of sockets to rooms: presence, persistent membership, call-session rows and
 * participant signaling (a paged snapshot in the join answer, then batched participantsDelta
 * events). Every change to one room runs in that room's serial queue so presence, CallSession
 * rows and deltas happen in one order.
 */
@Injectable()
export class RoomSessionService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly queue = new KeyedSerialQueue<number>();
  private readonly graceTimers = new PresenceGraceTimers();
  private readonly hub: RoomLifecycleHub;
  private readonly callLog: CallBookkeeping;
  private readonly log: Logger;
  private unsubscribeRoomDeleted: (() => void) | undefined;
  private readonly unsubscribeModeration: Array<() => void> = [];
  private readonly roomSlots: SocketRoomSlots;
  private readonly deltas: ParticipantDeltaBatcher;
  private readonly retries: OutageRetries;
  private readonly admission: JoinAdmission;
  private readonly departures: RoomDepartures;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(RoomEvents) private readonly roomEvents: RoomEvents,
    @Inject(CallSessionsService) private readonly calls: CallSessionsService,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(ROOT_LOGGER) logger: Logger,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(RoomBansService) private readonly bans: RoomBansService,
    @Inject(SocketPrivileges) private readonly privileges: SocketPrivileges,
    @Inject(DrainState) drain: DrainState,
    @Inject(ParticipantDeltaDelivery) deltaDelivery: ParticipantDeltaDelivery,
    @Inject(DependencyState) dependencies: DependencyState,
  ) {
    this.log = logger.child({ context: 'room-session' });
    this.hub = new RoomLifecycleHub(this.log);
    this.callLog = new CallBookkeeping(calls, config.roomCaps.callRejoinWindowMs, this.log);
    this.roomSlots = new SocketRoomSlots(config.roomCaps.maxPerSocket);
    this.deltas = new ParticipantDeltaBatcher(config.participantsSignaling.deltaFlushMs, (delta) =>
      deltaDelivery.publish(delta),
    );
    this.retries = new OutageRetries(dependencies, this.log);
    this.admission = new JoinAdmission({
      presence,
      rooms,
      access,
      bans,
      drain,
      joinLimiter: new RoomJoinLimiter(config.roomCaps.joinsPerMinute),
      graceTimers: this.graceTimers,
      gates: this.hub.gates,
      webinarMaxAttendees: config.roomCaps.webinarMaxAttendees,
    });
    this.departures = new RoomDepartures({
      queue: this.queue,
      presence,
      graceTimers: this.graceTimers,
      callLog: this.callLog,
      deltas: this.deltas,
      hub: this.hub,
      retries: this.retries,
      log: this.log,
      presenceGraceMs: config.presenceGraceMs,
    });
  }

  // ---- extension points ----

  registerJoinContributor(contributor: JoinContributor): () => void {
    return this.hub.addContributor(contributor);
  }

  /**
   * Runs work in the room's serial queue, ordered with its joins and leaves (features whose state
   * must not race them, e.g. lobby decisions). Never from inside that queue (a join gate, a
   * contributor): it would wait for itself.
   */
  runInRoom<T>(roomId: number, work: () => Promise<T>): Promise<T> {
    return this.queue.run(roomId, work);
  }

  /** Holds joiners after the access checks (the lobby, see JoinGate). */
  registerJoinGate(gate: JoinGate): () => void {
    return this.hub.addGate(gate);
  }

  on<E extends keyof RoomLifecycleEvents>(
    event: E,
    listener: (payload: RoomLifecycleEvents[E]) => void,
  ): () => void {
    return this.hub.on(event, listener);
  }

  // ---- Nest lifecycle ----

  onModuleInit() {
    this.unsubscribeRoomDeleted = this.roomEvents.onRoomDeleted(({ roomId }) => {
      this.deleteRoom(roomId).catch((err: unknown) =>
        this.log.error({ err, roomId }, 'closing deleted room failed'),
      );
    });
    this.unsubscribeModeration.push(
      this.roomEvents.onRoomUpdated(({ room }) => {
        if (this.realtime.ready) this.realtime.emitToRoom(room.id, 'roomUpdated', { room });
      }),
      this.realtime.onEveryProcess('roomDeletion', ({ roomId }) => this.closeRoomLocally(roomId)),
      this.privileges.onRoleChanged((socket, role) =>
        role === 'admin' ? [] : this.leaveAdminOnlyRooms(socket),
      ),
      this.realtime.onEveryProcess('roomEviction', (eviction) =>
        this.evictLocal(eviction).catch((err: unknown) =>
          this.log.error({ err, roomId: eviction.roomId }, 'room eviction failed'),
        ),
      ),
    );
  }

  async onApplicationBootstrap() {
    // A single process owns all presence: calls still open in the DB are leftovers of a
    // previous run. With shared (Redis) presence other processes may be serving them.
    if (!this.config.redisUrl) {
      const ended = await this.calls.endAllOpen();
      if (ended) this.log.info({ ended }, 'closed call sessions left open by a previous run');
    }
  }

  async onModuleDestroy() {
    this.retries.clear();
    this.unsubscribeRoomDeleted?.();
    for (const unsubscribe of this.unsubscribeModeration) unsubscribe();
    // Lets in-flight joins/leaves finish first; from now on detaches remove users at once.
    await this.departures.settleGraceAtShutdown();
    // Leave every room this process's sockets are in, so shared presence and call rows do
    // not keep users who were only here. The sockets are closed after this hook.
    if (this.realtime.ready) {
      const work: Promise<unknown>[] = [];
      for (const socket of this.realtime.io.sockets.sockets.values()) {
        for (const roomId of [...(socket.data.joinedRooms ?? [])]) {
          work.push(
            this.queue
              .run(roomId, () => this.detachSocket(socket, roomId, 'shutdown', true))
              .catch(() => undefined),
          );
        }
      }
      await Promise.all(work);
    }
    // The leaves above still reach the other nodes' sockets.
    this.deltas.flushAll();
    this.hub.clear();
  }

  /** Stopping after a drain while other nodes run: see RoomDepartures.handOffAtShutdown. */
  handOffPresenceAtShutdown(): void {
    this.departures.handOffAtShutdown();
  }

  // ---- operations ----

  join(socket: AppSocket, roomId: number, inviteToken?: string): Promise<JoinRoomData> {
    const release = this.roomSlots.reserve(socket, roomId);
    const joined = this.queue.run(roomId, async () => {
      // The role is re-read: a demoted admin's socket must not join as one.
      const user = await this.privileges.current(socket);
      // Before anything that could tell a private room from a missing one (join rate, ban, lock).
      const room = await this.access.requireVisible(roomId, user, inviteToken);
      if (!socket.data.joinedRooms.has(roomId)) {
        const { grant, outcome, role } = await this.admission.admit(socket, room, user, inviteToken);
        await socket.join(roomChannel(roomId));
        socket.data.joinedRooms.add(roomId);
        if (grant === 'adminOnly') socket.data.adminOnlyRooms.add(roomId);
        if (socket.disconnected) {
          // It went away while we were joining: its disconnect cleanup ran before this room
          // was recorded, so undo the join here or the user would stay present for good.
          await this.detachSocket(socket, roomId, 'disconnect', this.config.presenceGraceMs === 0);
          throw new AppError(ErrorCode.NOT_IN_ROOM, 'Disconnected while joining');
        }
        this.log.info(
          { roomId, userId: user.id, socketId: socket.id, newUser: outcome.userAdded },
          'socket joined room',
        );
        (socket.data.roomRoles ??= new Map()).set(roomId, role);
        if (outcome.userAdded) {
          const count = (await this.presence.counts([roomId])).get(roomId) ?? 0;
          await this.callLog.userJoined(roomId, user.id, count, role);
          this.deltas.joined(roomId, participantOf(user, role));
        }
      }
      const first = await this.participantsPage(roomId, 0);
      let data: JoinRoomData = {
        room: this.rooms.toDto(room, first.total),
        participants: first.participants,
        participantsCursor: first.nextCursor,
        role: (await this.presence.roleOf(roomId, user.id)) ?? 'speaker',
      };
      try {
        for (const contribute of this.hub.contributors)
          data = { ...data, ...(await contribute({ socket, user, room: data.room })) };
      } catch (err) {
        await this.detachSocket(socket, roomId, 'leave', true);
        throw err;
      }
      return data;
    });
    return joined.finally(release);
  }

  /**
   * One page of who is present, for a socket already in the room (loadParticipants): users with
   * userId > cursor, ordered by userId. Deltas sent meanwhile are the client's to merge.
   */
  async loadParticipants(socket: AppSocket, roomId: number, cursor: number): Promise<ParticipantsPage> {
    if (!socket.data.joinedRooms.has(roomId))
      throw new AppError(ErrorCode.NOT_IN_ROOM, `Not in room ${roomId}`);
    const page = await this.participantsPage(roomId, cursor);
    return { roomId, participants: page.participants, nextCursor: page.nextCursor };
  }

  private participantsPage(roomId: number, cursor: number) {
    return participantsPage(this.presence, roomId, cursor, this.config.participantsSignaling.pageSize);
  }

  /** A present user's role changed (webinar stage): everyone gets it in the next participantsDelta. */
  participantChanged(roomId: number, participant: Participant): void {
    this.deltas.changed(roomId, participant);
  }

  leave(socket: AppSocket, roomId: number): Promise<void> {
    return this.queue.run(roomId, async () => {
      if (!socket.data.joinedRooms.has(roomId)) {
        // A socket still waiting at a gate (the lobby) leaves the waiting list instead.
        for (const gate of this.hub.gates) if (await gate.release(socket, roomId)) return;
        throw new AppError(ErrorCode.NOT_IN_ROOM, `Not in room ${roomId}`);
      }
      await this.detachSocket(socket, roomId, 'leave', true);
    });
  }

  /**
   * Removes a user left with no socket (e.g. by a dead node, see PresenceSweeper), with the same
   * effects as a grace expiry here; nothing happens if they are back meanwhile.
   */
  removeIdleUser(roomId: number, userId: number): Promise<void> {
    return this.queue.run(roomId, () => this.removeUserIfIdle(roomId, userId));
  }

  /** A socket went away: each of its rooms keeps the user for the grace period. */
  socketDisconnected(socket: AppSocket): void {
    // (While closing, sockets already drained have no rooms left; any other is removed at once.)
    // Retried while Redis is down, or the socket would stay present (and its media open) for good.
    for (const roomId of [...(socket.data.joinedRooms ?? [])]) {
      const removeNow = this.config.presenceGraceMs === 0;
      const detach = () => this.queue.run(roomId, () => this.detachSocket(socket, roomId, 'disconnect', removeNow));
      this.retries.run(detach, 'disconnect cleanup failed', { roomId, socketId: socket.id });
    }
    for (const gate of this.hub.gates) {
      for (const roomId of gate.heldRooms(socket)) {
        const release = () => this.queue.run(roomId, () => gate.release(socket, roomId));
        this.retries.run(release, 'releasing a held socket failed', { roomId, socketId: socket.id });
      }
    }
  }

  /**
   * The socket's user is no longer an admin: it leaves the rooms it was in only as one (each in
   * its room's queue). Returns their ids.
   */
  private async leaveAdminOnlyRooms(socket: AppSocket): Promise<number[]> {
    const roomIds = [...socket.data.adminOnlyRooms].filter((id) => socket.data.joinedRooms.has(id));
    await Promise.all(
      roomIds.map((roomId) =>
        this.queue.run(roomId, async () => {
          if (socket.data.adminOnlyRooms.has(roomId))
            await this.detachSocket(socket, roomId, 'removed', true);
        }),
      ),
    );
    return roomIds;
  }

  // ---- moderation (the caller has checked the moderator's rights) ----

  /**
   * Removes a user: kept out until let back (REMOVED_FROM_ROOM), membership and with it history
   * access ended at once, and every socket of theirs, on every process, leaves with
   * removedFromRoom.
   */
  async removeUser(roomId: number, userId: number, by: UserDto): Promise<void> {
    // In the room's queue so no join on this process interleaves; joins elsewhere re-check
    // the ban after recording membership (assertNotBannedSince). The ban goes first.
    await this.queue.run(roomId, async () => {
      await this.bans.ban(roomId, userId, by.id);
      await this.rooms.removeMember(roomId, userId);
    });
    await this.evictEverywhere(roomId, userId, 'removed', by);
    this.log.info({ roomId, userId, byUserId: by.id }, 'user removed from room');
  }

  /** Everyone leaves with callEnded and the call session ends; the room stays. */
  async endCall(roomId: number, by: UserDto): Promise<void> {
    await this.evictEverywhere(roomId, null, 'callEnded', by);
    await this.queue.run(roomId, () => this.callLog.endRoom(roomId));
    this.log.info({ roomId, byUserId: by.id }, 'call ended by moderator');
  }

  private evictEverywhere(roomId: number, userId: number | null, kind: RoomEviction['kind'], by: UserDto) {
    const eviction: RoomEviction = { roomId, userId, kind, byUserId: by.id, byUsername: by.username };
    return this.realtime.everyProcess('roomEviction', eviction);
  }

  /** This process's part of an eviction: its sockets and the users in grace here. */
  private evictLocal(e: RoomEviction): Promise<void> {
    return this.queue.run(e.roomId, async () => {
      const { roomId } = e;
      const moderator = { byUserId: e.byUserId, byUsername: e.byUsername };
      for (const socket of this.realtime.localSocketsIn(roomId, e.userId ?? undefined)) {
        if (e.kind === 'removed') socket.emit('removedFromRoom', { roomId, reason: 'removed', ...moderator });
        else socket.emit('callEnded', { roomId, ...moderator });
        await this.detachSocket(socket, roomId, e.kind, true);
      }
      // Users with no socket left (within their grace period) go now too.
      const userIds =
        e.userId !== null ? [e.userId] : (await this.presence.participants(roomId)).map((p) => p.userId);
      for (const userId of userIds) await this.removeUserIfIdle(roomId, userId);
      if (e.kind === 'callEnded') this.hub.emit('roomClosed', { roomId });
    });
  }

  // ---- internals (run inside the room's queue) ----

  private detachSocket(...args: Parameters<RoomDepartures['detachSocket']>): Promise<void> {
    return this.departures.detachSocket(...args);
  }

  private removeUserIfIdle(roomId: number, userId: number): Promise<void> {
    return this.departures.removeUserIfIdle(roomId, userId);
  }

  /**
   * A room was deleted (on this node): every node lets its own sockets go (closeRoomLocally),
   * then the shared presence is cleared and the call ended, once, here.
   */
  private async deleteRoom(roomId: number): Promise<void> {
    if (!this.realtime.ready) return;
    await this.realtime.everyProcess('roomDeletion', { roomId });
    await this.queue.run(roomId, async () => {
      const present = await this.presence.clearRoom(roomId);
      for (const p of present) this.graceTimers.clear(roomId, p.userId);
      await this.callLog.endRoom(roomId);
      this.log.info({ roomId, present: present.length }, 'room deleted and emptied');
    });
  }

  /** This node's part of a deletion: its sockets get roomDeleted and leave, its grace timers and room media end. */
  private closeRoomLocally(roomId: number): Promise<void> {
    return this.queue.run(roomId, async () => {
      const sockets = this.realtime.localSocketsIn(roomId);
      for (const socket of sockets) {
        socket.emit('roomDeleted', { roomId });
        socket.data.joinedRooms.delete(roomId);
        await socket.leave(roomChannel(roomId));
        this.hub.emit('socketLeft', {
          roomId,
          userId: socket.data.user.id,
          socketId: socket.id,
          reason: 'roomDeleted',
        });
      }
      this.graceTimers.clearRoom(roomId);
      this.deltas.discard(roomId);
      this.hub.emit('roomClosed', { roomId });
      this.log.info({ roomId, sockets: sockets.length }, 'deleted room closed on this node');
    });
  }
}
