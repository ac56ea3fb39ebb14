import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type Ack } from '@minimeet/shared';
import { TokenBucket } from '../common/token-bucket.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import type { AppServer, AppSocket } from './socket-types.js';

/** At most one "throttled" warning per socket per this interval (a flood must not flood the log). */
const WARN_EVERY_MS = 10_000;

/** A user's bucket holds this many seconds of their rate (at least one socket's burst). */
const USER_BURST_SECONDS = 4;

/** One user's event budget on this process, shared by their sockets here. */
interface UserBudget {
  bucket: TokenBucket;
  sockets: number;
}

/**
 * Token buckets on every incoming event: one per socket (SOCKET_EVENTS_PER_SECOND refill,
 * SOCKET_EVENT_BURST size) and one per user over all their sockets on this process
 * (SOCKET_USER_EVENTS_PER_SECOND), so opening more sockets does not multiply the rate. An event
 * over either limit is dropped; when it carries an ack callback the client gets RATE_LIMITED with
 * `retryAfterMs`. A socket's bucket lives and dies with it, a user's with their last socket here.
 */
@Injectable()
export class SocketRateLimiter {
  private readonly log: Logger;
  private readonly userBudgets = new Map<number, UserBudget>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'socket-rate-limit' });
  }

  install(server: AppServer): void {
    server.on('connection', (socket: AppSocket) => this.limit(socket));
  }

  private limit(socket: AppSocket): void {
    const { socketEventsPerSecond, socketEventBurst } = this.config.rateLimits;
    const bucket = new TokenBucket(socketEventsPerSecond, socketEventBurst);
    const userBucket = this.joinUserBudget(socket);
    let dropped = 0;
    let warnedAt = -Infinity;
    socket.use((packet, next) => {
      const socketWait = bucket.take();
      // The user's budget is only spent by events the socket's own bucket let through.
      const retryAfterMs = socketWait === 0 ? userBucket.take() : socketWait;
      if (retryAfterMs === 0) {
        next();
        return;
      }
      dropped += 1;
      const ack = packet[packet.length - 1];
      if (typeof ack === 'function') {
        const refusal: Ack<never> = {
          ok: false,
          error: {
            code: ErrorCode.RATE_LIMITED,
            message:
              socketWait === 0
                ? 'Too many requests from your connections together, slow down'
                : 'Too many requests on this connection, slow down',
            details: { retryAfterMs },
          },
        };
        (ack as (answer: Ack<never>) => void)(refusal);
      }
      const now = Date.now();
      if (now - warnedAt >= WARN_EVERY_MS) {
        warnedAt = now;
        this.log.warn(
          {
            socketId: socket.id,
            userId: socket.data.user.id,
            event: String(packet[0]).slice(0, 64),
            dropped,
          },
          'socket throttled',
        );
      }
    });
  }

  private joinUserBudget(socket: AppSocket): TokenBucket {
    const userId = socket.data.user.id;
    let budget = this.userBudgets.get(userId);
    if (!budget) {
      // Never tighter than one socket's own bucket: a user with one socket sees only that.
      const { socketUserEventsPerSecond, socketEventsPerSecond, socketEventBurst } = this.config.rateLimits;
      const perSecond = Math.max(socketUserEventsPerSecond, socketEventsPerSecond);
      const burst = Math.max(perSecond * USER_BURST_SECONDS, socketEventBurst);
      budget = { bucket: new TokenBucket(perSecond, burst), sockets: 0 };
      this.userBudgets.set(userId, budget);
    }
    const joined = budget;
    joined.sockets += 1;
    socket.once('disconnect', () => {
      joined.sockets -= 1;
      if (joined.sockets === 0 && this.userBudgets.get(userId) === joined) this.userBudgets.delete(userId);
    });
    return joined.bucket;
  }
}
