import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  type EndCallRequest,
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
import type { ModeratorMute } from '../realtime/socket-types.js';
import { RoomAccessService } from '../rooms/room-access.service.js';

/**
 * Live moderation by a room's owner and admins: checks who may do what, then hands the work to
 * the room session (remove, end call) or to every process's media (mute), since the target's
 * sockets and media may live on another server process.
 */
@Injectable()
export class ModerationService implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private unsubscribe: (() => void) | undefined;

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
    this.unsubscribe = this.realtime.onEveryProcess('moderatorMute', (mute) =>
      this.muteLocal(mute).catch((err: unknown) =>
        this.log.error({ err, roomId: mute.roomId, userId: mute.userId }, 'moderator mute failed'),
      ),
    );
  }

  onModuleDestroy() {
    this.unsubscribe?.();
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
