import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  type HandQueueData,
  type LowerHandRequest,
  type RaisedHand,
  type RoomDto,
  type SendReactionRequest,
  type UserDto,
} from '@minimeet/shared';
import type { ChatRateLimiter } from '../chat/chat-rate-limiter.js';
import { AppError } from '../common/app-error.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { RealtimeServer } from '../realtime/realtime-server.js';
import { RoomSessionService } from '../realtime/room-session.service.js';
import type { AppSocket } from '../realtime/socket-types.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { HAND_QUEUE_STORE, type HandQueueStore } from './hand-queue-store.js';

/** Injection token of the per-user reaction limiter (the chat limiter's policy, its own keys). */
export const REACTION_RATE_LIMITER = Symbol('REACTION_RATE_LIMITER');
export type ReactionRateLimiter = ChatRateLimiter;

/**
 * Raise hand, reactions and join-muted for large meetings. The hand queue lives in a store shared
 * by every node; its changes and reactions go to the Socket.IO room (every node's sockets).
 */
@Injectable()
export class EngagementService implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(
    @Inject(HAND_QUEUE_STORE) private readonly hands: HandQueueStore,
    @Inject(REACTION_RATE_LIMITER) private readonly reactionLimiter: ReactionRateLimiter,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(RoomSessionService) private readonly sessions: RoomSessionService,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'engagement' });
  }

  onModuleInit() {
    this.unsubscribers.push(
      this.sessions.registerJoinContributor(async ({ socket, user, room }) => ({
        hands: await this.hands.queue(room.id),
        joinMuted: this.markJoinMuted(socket, user, room),
      })),
      // A user who leaves (after the grace period) takes their hand down.
      this.sessions.on('userLeft', ({ roomId, userId }) => {
        this.lowerAndAnnounce(roomId, userId).catch((err: unknown) =>
          this.log.error({ err, roomId, userId }, 'lowering a departed hand failed'),
        );
      }),
      this.sessions.on('roomClosed', ({ roomId }) => {
        this.hands.clearRoom(roomId).catch((err: unknown) => this.log.error({ err, roomId }, 'clearing hands failed'));
      }),
    );
  }

  onModuleDestroy() {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
  }

  async raiseHand(user: UserDto, roomId: number): Promise<HandQueueData> {
    const change = await this.hands.raise(roomId, user.id, user.username, new Date());
    if (change.changed) this.announce(roomId, change.hands);
    return { roomId, hands: change.hands };
  }

  /** Your own hand, or (moderators only, role re-read by the caller) anyone's. */
  async lowerHand(by: UserDto, req: LowerHandRequest): Promise<HandQueueData> {
    const target = req.userId ?? by.id;
    if (target !== by.id) await this.access.requireModerator(req.roomId, by);
    return { roomId: req.roomId, hands: await this.lowerAndAnnounce(req.roomId, target) };
  }

  async sendReaction(user: UserDto, req: SendReactionRequest): Promise<void> {
    const decision = await this.reactionLimiter.consume(user.id);
    if (!decision.allowed) {
      throw new AppError(ErrorCode.RATE_LIMITED, 'Too many reactions, wait a moment', {
        retryAfterMs: decision.retryAfterMs,
      });
    }
    this.realtime.emitToRoom(req.roomId, 'reaction', { roomId: req.roomId, userId: user.id, emoji: req.emoji });
  }

  /**
   * Whether this socket joins muted: the room says so and the user does not moderate it. The
   * socket is marked so its first microphone producer in the room starts paused (see produce).
   */
  private markJoinMuted(socket: AppSocket, user: UserDto, room: RoomDto): boolean {
    const muted = room.joinMuted && room.ownerId !== user.id && user.role !== 'admin';
    socket.data.joinMutedRooms ??= new Set();
    if (muted) socket.data.joinMutedRooms.add(room.id);
    else socket.data.joinMutedRooms.delete(room.id);
    return muted;
  }

  private async lowerAndAnnounce(roomId: number, userId: number): Promise<RaisedHand[]> {
    const change = await this.hands.lower(roomId, userId);
    if (change.changed) this.announce(roomId, change.hands);
    return change.hands;
  }

  private announce(roomId: number, hands: RaisedHand[]): void {
    if (this.realtime.ready) this.realtime.emitToRoom(roomId, 'handQueue', { roomId, hands });
  }
}
