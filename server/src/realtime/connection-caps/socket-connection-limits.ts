import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ErrorCode, type ConnectionRefusedData } from '@minimeet/shared';
import type { ExtendedError } from 'socket.io';
import { TokenBucket } from '../../common/token-bucket.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/env.schema.js';
import { ROOT_LOGGER } from '../../logging/logger.module.js';
import type { Logger } from '../../logging/logger.js';
import type { AppSocket } from '../socket-types.js';
import { clientAddress } from './client-address.js';
import { CONNECTION_SLOTS, type ConnectionSlots } from './connection-slots.js';

type Next = (err?: ExtendedError) => void;

/** How often idle handshake buckets (full again) are forgotten. */
const SWEEP_MS = 60_000;
const WARN_EVERY_MS = 10_000;
/** What a client refused by a socket cap is told to wait before trying again. */
const CAP_RETRY_AFTER_MS = 10_000;

/**
 * Caps on connections, as Socket.IO middleware: handshakes per minute per client address
 * (SOCKET_HANDSHAKES_PER_MINUTE, per process, checked before auth so a flood costs no token
 * verification), and concurrent sockets per user and per address (MAX_SOCKETS_PER_USER /
 * MAX_SOCKETS_PER_IP, counted across processes by ConnectionSlots). A refused handshake gets
 * connect_error RATE_LIMITED or LIMIT_EXCEEDED with ConnectionRefusedData.
 */
@Injectable()
export class SocketConnectionLimits implements OnModuleDestroy {
  private readonly handshakeBuckets = new Map<string, TokenBucket>();
  /** Slots this process holds: socket id → its keys (renewed periodically, freed on close). */
  private readonly held = new Map<string, string[]>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly renewer: NodeJS.Timeout;
  private readonly log: Logger;
  private warnedAt = -Infinity;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CONNECTION_SLOTS) private readonly slots: ConnectionSlots,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'socket-caps' });
    this.sweeper = setInterval(() => this.sweepBuckets(), SWEEP_MS);
    this.sweeper.unref();
    this.renewer = setInterval(() => {
      this.slots.renew(this.held).catch((err: unknown) => this.warn({ err }, 'renewing socket slots failed'));
    }, config.cluster.nodeTtlMs / 3);
    this.renewer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    clearInterval(this.renewer);
  }

  /** Middleware, before auth: the handshake rate per client address. */
  throttleHandshakes() {
    const perMinute = this.config.connectionCaps.handshakesPerMinute;
    return (socket: AppSocket, next: Next) => {
      const ip = this.addressOf(socket);
      let bucket = this.handshakeBuckets.get(ip);
      if (!bucket) this.handshakeBuckets.set(ip, (bucket = new TokenBucket(perMinute / 60, perMinute)));
      const retryAfterMs = bucket.take();
      if (retryAfterMs === 0) return next();
      this.warn({ ip }, 'socket handshakes throttled');
      next(
        refusal({
          code: ErrorCode.RATE_LIMITED,
          message: 'Too many connection attempts from this address, try again shortly',
          retryAfterMs,
        }),
      );
    };
  }

  /** Middleware, after auth (needs the user): the open-socket caps per user and per address. */
  capSockets() {
    const { socketsPerUser, socketsPerIp } = this.config.connectionCaps;
    return (socket: AppSocket, next: Next) => {
      const ip = this.addressOf(socket);
      const claims = [
        { key: `user:${socket.data.user.id}`, limit: socketsPerUser },
        { key: `ip:${ip}`, limit: socketsPerIp },
      ];
      this.slots
        .acquire(socket.id, claims)
        .then((full) => {
          if (full === -1)
            return this.hold(
              socket,
              claims.map((c) => c.key),
              next,
            );
          const limit = full === 0 ? 'user' : 'ip';
          this.warn({ ip, userId: socket.data.user.id, limit }, 'socket refused: connection cap');
          next(
            refusal({
              code: ErrorCode.LIMIT_EXCEEDED,
              limit,
              message:
                limit === 'user'
                  ? `Too many open connections for this account (at most ${socketsPerUser}): close another tab or device`
                  : `Too many open connections from this address (at most ${socketsPerIp})`,
              retryAfterMs: CAP_RETRY_AFTER_MS,
            }),
          );
        })
        .catch((err: unknown) => {
          // The shared counter is unreachable: admit uncounted rather than lock everyone out.
          this.warn({ err }, 'socket caps unavailable, socket admitted uncounted');
          next();
        });
    };
  }

  private hold(socket: AppSocket, keys: string[], next: Next): void {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.held.delete(socket.id);
      this.slots
        .release(socket.id, keys)
        .catch((err: unknown) => this.warn({ err }, 'releasing socket slots failed'));
    };
    // The client may have gone while the slots were being taken: then no disconnect will follow.
    if (socket.conn.readyState !== 'open') {
      release();
      next(new Error('connection closed during handshake'));
      return;
    }
    this.held.set(socket.id, keys);
    socket.once('disconnect', release);
    socket.conn.once('close', release);
    next();
  }

  private addressOf(socket: AppSocket): string {
    return clientAddress(socket.handshake.address, socket.handshake.headers, this.config.trustProxy);
  }

  private warn(fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    if (now - this.warnedAt < WARN_EVERY_MS) return;
    this.warnedAt = now;
    this.log.warn(fields, message);
  }

  private sweepBuckets(): void {
    const now = Date.now();
    for (const [ip, bucket] of this.handshakeBuckets)
      if (bucket.isFull(now)) this.handshakeBuckets.delete(ip);
  }
}

function refusal(data: ConnectionRefusedData): ExtendedError {
  return Object.assign(new Error(data.code), { data });
}
