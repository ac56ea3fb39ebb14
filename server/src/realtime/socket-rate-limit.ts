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

/**
 * Per-socket token bucket on every incoming event (SOCKET_EVENTS_PER_SECOND refill,
 * SOCKET_EVENT_BURST size). An event over the limit is dropped; when it carries an ack callback
 * the client gets RATE_LIMITED with `retryAfterMs`. The bucket lives and dies with its socket.
 */
@Injectable()
export class SocketRateLimiter {
  private readonly log: Logger;

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
    let dropped = 0;
    let warnedAt = -Infinity;
    socket.use((packet, next) => {
      const retryAfterMs = bucket.take();
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
            message: 'Too many requests on this connection, slow down',
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
}
