import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  type EndCallRequest,
  type MuteAllRequest,
  type MuteParticipantRequest,
  type RemoveParticipantRequest,
  type UserDto,
} from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { MediaSignalingService } from '../media-signaling/media-signaling.service.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import { RealtimeServer } from '../realtime/realtime-server.js';
import { RoomSessionService } from '../realtime/room-session.service.js';
import type { ModeratorMute, ModeratorMuteAll } from '../realtime/socket-types.js';
import { RoomAccessService } from '../rooms/room-access.service.js';

/**
 * Live moderation by a room's owner and admins: checks who may do what, then hands the work to
 * the room session (remove, end call) or to every process's media (mute), since the target's
 * sockets and media may live on another server process.
 */
@Injectable()
export class ModerationService implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(RoomSessionService) private readonly sessions: RoomSessionService,
    @Inject(MediaSignalingService) private readonly media: MediaSignalingService,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'moderation' });
  }

  onModuleInit() {
    this.unsubscribers.push(
      this.realtime.onEveryProcess('moderatorMute', (mute) =>
        this.muteLocal(mute).catch((err: unknown) =>
          this.log.error({ err, roomId: mute.roomId, userId: mute.userId }, 'moderator mute failed'),
        ),
      ),
      this.realtime.onEveryProcess('moderatorMuteAll', (all) => this.muteAllLocal(all)),
    );
  }

  onModuleDestroy() {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
  }

  /** NOT_IN_ROOM unless the target is present in the room now. */
  async mute(by: UserDto, req: MuteParticipantRequest): Promise<void> {
    await this.access.requireModerator(req.roomId, by);
    const present = await this.presence.participants(req.roomId);
    if (!present.some((p) => p.userId === req.userId)) {
      throw new AppError(ErrorCode.NOT_IN_ROOM, `User ${req.userId} is not in room ${req.roomId}`);
    }
    await this.realtime.everyProcess('moderatorMute', {
      roomId: req.roomId,
      userId: req.userId,
      source: req.source,
      byUserId: by.id,
      byUsername: by.username,
    });
  }

  /**
   * Mutes every present participant's microphone but the caller's: one message to every process,
   * each pausing the microphones it holds (a room may span nodes). Returns how many were asked.
   */
  async muteAll(by: UserDto, req: MuteAllRequest): Promise<number> {
    await this.access.requireModerator(req.roomId, by);
    const userIds = (await this.presence.participants(req.roomId)).map((p) => p.userId).filter((id) => id !== by.id);
    if (!userIds.length) return 0;
    await this.realtime.everyProcess('moderatorMuteAll', {
      roomId: req.roomId,
      userIds,
      byUserId: by.id,
      byUsername: by.username,
    });
    this.log.info({ roomId: req.roomId, byUserId: by.id, users: userIds.length }, 'everyone muted');
    return userIds.length;
  }

  /** The owner cannot be removed, nor can moderators remove themselves. */
  async remove(by: UserDto, req: RemoveParticipantRequest): Promise<void> {
    const room = await this.access.requireModerator(req.roomId, by);
    if (req.userId === by.id) throw new AppError(ErrorCode.FORBIDDEN, 'You cannot remove yourself');
    if (req.userId === room.ownerId) throw new AppError(ErrorCode.FORBIDDEN, 'The room owner cannot be removed');
    await this.sessions.removeUser(req.roomId, req.userId, by);
  }

  async endCall(by: UserDto, req: EndCallRequest): Promise<void> {
    await this.access.requireModerator(req.roomId, by);
    await this.sessions.endCall(req.roomId, by);
  }

  /** This process's part of mute-all: each listed user's microphone held here, one at a time. */
  private async muteAllLocal(all: ModeratorMuteAll): Promise<void> {
    for (const userId of all.userIds) {
      await this.muteLocal({ roomId: all.roomId, userId, source: 'mic', byUserId: all.byUserId, byUsername: all.byUsername }).catch(
        (err: unknown) => this.log.error({ err, roomId: all.roomId, userId }, 'mute-all of a participant failed'),
      );
    }
  }

  /** This process's part: pause the producers held here and tell the user's sockets here. */
  private async muteLocal(mute: ModeratorMute): Promise<void> {
    const paused = await this.media.pauseUserSource(mute.roomId, mute.userId, mute.source);
    if (!paused.length) return;
    for (const socket of this.realtime.localSocketsIn(mute.roomId, mute.userId)) {
      socket.emit('moderatorMuted', {
        roomId: mute.roomId,
        source: mute.source,
        byUserId: mute.byUserId,
        byUsername: mute.byUsername,
      });
    }
    this.log.info({ roomId: mute.roomId, userId: mute.userId, source: mute.source, byUserId: mute.byUserId }, 'participant muted');
  }
}
