import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ErrorCode, type Participant, type SetStageRequest, type UserDto } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { MediaSignalingService } from '../media-signaling/media-signaling.service.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import { RealtimeServer } from '../realtime/realtime-server.js';
import { RoomSessionService } from '../realtime/room-session.service.js';
import type { StageChange } from '../realtime/socket-types.js';
import { RoomAccessService } from '../rooms/room-access.service.js';

/**
 * The webinar stage: a host brings an attendee on stage (speaker, may publish) or sends a speaker
 * back (attendee; its producers close at once). The role lives in the shared presence (every node
 * reads it before a send transport or produce); the change reaches everyone as participantsDelta
 * `changed`, and every process closes the producers it holds of a user sent back.
 */
@Injectable()
export class StageService implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(RoomSessionService) private readonly sessions: RoomSessionService,
    @Inject(MediaSignalingService) private readonly media: MediaSignalingService,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'webinar-stage' });
  }

  onModuleInit() {
    this.unsubscribe = this.realtime.onEveryProcess('stageChange', (change) => this.applyLocally(change));
  }

  onModuleDestroy() {
    this.unsubscribe?.();
  }

  /** Hosts only (FORBIDDEN); CONFLICT in a meeting or for a host; NOT_IN_ROOM; ROOM_FULL for a full stage. */
  async setStage(by: UserDto, req: SetStageRequest): Promise<Participant> {
    const room = await this.access.requireModerator(req.roomId, by);
    if (room.kind !== 'webinar')
      throw new AppError(ErrorCode.CONFLICT, 'Only a webinar has a stage: in a meeting everyone may publish');
    const current = await this.presence.roleOf(room.id, req.userId);
    if (current === null)
      throw new AppError(ErrorCode.NOT_IN_ROOM, `User ${req.userId} is not in room ${room.id}`);
    if (current === 'host') throw new AppError(ErrorCode.CONFLICT, 'Hosts are always on stage');
    const role = req.onStage ? 'speaker' : 'attendee';
    if (role === current) return (await this.findParticipant(room.id, req.userId)) ?? this.absent(room.id, req.userId);
    const outcome = await this.presence.setRole(room.id, req.userId, role, room.maxParticipants);
    if (!outcome.ok) {
      if (outcome.reason === 'absent') this.absent(room.id, req.userId);
      throw new AppError(ErrorCode.ROOM_FULL, `The stage is full (${room.maxParticipants} hosts and speakers)`);
    }
    await this.realtime.everyProcess('stageChange', { roomId: room.id, userId: req.userId, role });
    this.sessions.participantChanged(room.id, outcome.participant);
    this.log.info({ roomId: room.id, userId: req.userId, role, byUserId: by.id }, 'stage changed');
    return outcome.participant;
  }

  private async findParticipant(roomId: number, userId: number): Promise<Participant | undefined> {
    return (await this.presence.participants(roomId)).find((p) => p.userId === userId);
  }

  private absent(roomId: number, userId: number): never {
    throw new AppError(ErrorCode.NOT_IN_ROOM, `User ${userId} is not in room ${roomId}`);
  }

  /** This process's part: its sockets of the user learn the role; a user sent back loses the producers held here. */
  private async applyLocally(change: StageChange): Promise<void> {
    for (const socket of this.realtime.localSocketsIn(change.roomId, change.userId))
      (socket.data.roomRoles ??= new Map()).set(change.roomId, change.role);
    if (change.role !== 'attendee') return;
    const closed = this.media.closeUserProducers(change.roomId, change.userId);
    if (closed.length) this.log.info({ roomId: change.roomId, userId: change.userId, closed: closed.length }, 'producers of a user sent back to the audience closed');
  }
}
