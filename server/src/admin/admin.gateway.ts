import { Inject, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { ClientEvent, ErrorCode, type Ack, type AdminSubscribeData, type UserDto } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { ackContext } from '../realtime/ack.js';
import { AckResponder } from '../realtime/ack-responder.js';
import { RealtimeServer } from '../realtime/realtime-server.js';
import { SocketPrivileges } from '../realtime/socket-privileges.js';
import type { AppSocket } from '../realtime/socket-types.js';
import { AdminStatsService } from './admin-stats.service.js';

/** The Socket.IO room of sockets that receive every snapshot. */
export const ADMIN_STATS_CHANNEL = 'admin:stats';

/**
 * admin:subscribe / admin:unsubscribe. Snapshots describe this process's media only, so they
 * go to this process's subscribers (`io.local`), never through the Redis adapter. The role is
 * re-read at subscribe, and a socket whose user is demoted leaves the feed (a promotion back
 * resumes it for a socket that had subscribed).
 */
@WebSocketGateway()
export class AdminGateway implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private readonly unsubscribers: Array<() => void> = [];

  constructor(
    @Inject(AdminStatsService) private readonly stats: AdminStatsService,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(AckResponder) private readonly acks: AckResponder,
    @Inject(SocketPrivileges) private readonly privileges: SocketPrivileges,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'admin-gateway' });
  }

  onModuleInit() {
    this.unsubscribers.push(
      this.stats.onSnapshot((snapshot) => {
        if (this.realtime.ready) this.realtime.io.local.to(ADMIN_STATS_CHANNEL).emit('admin:stats', snapshot);
      }),
      this.privileges.onRoleChanged(async (socket, role) => {
        if (role !== 'admin') await socket.leave(ADMIN_STATS_CHANNEL);
        else if (socket.data.wantsAdminStats) await socket.join(ADMIN_STATS_CHANNEL);
      }),
    );
  }

  onModuleDestroy() {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
  }

  @SubscribeMessage(ClientEvent['admin:subscribe'])
  subscribe(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() raw: unknown,
  ): Promise<Ack<AdminSubscribeData>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent['admin:subscribe']), async () => {
      assertAdmin(await this.privileges.current(socket));
      assertEmptyPayload(raw);
      socket.data.wantsAdminStats = true;
      await socket.join(ADMIN_STATS_CHANNEL);
      return { intervalMs: this.stats.intervalMs, snapshot: this.stats.latest() };
    });
  }

  @SubscribeMessage(ClientEvent['admin:unsubscribe'])
  unsubscribeStats(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() raw: unknown,
  ): Promise<Ack<Record<string, never>>> {
    return this.acks.respond(this.log, ackContext(socket, ClientEvent['admin:unsubscribe']), async () => {
      assertAdmin(socket.data.user);
      assertEmptyPayload(raw);
      socket.data.wantsAdminStats = false;
      await socket.leave(ADMIN_STATS_CHANNEL);
      return {};
    });
  }
}

function assertAdmin(user: UserDto): void {
  if (user.role !== 'admin') throw new AppError(ErrorCode.FORBIDDEN, 'Admins only');
}

/** The request carries nothing: no payload or `{}`. */
function assertEmptyPayload(raw: unknown): void {
  const empty =
    raw === undefined ||
    raw === null ||
    (typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0);
  if (!empty) {
    throw new AppError(ErrorCode.VALIDATION, 'This request takes no payload', {
      fields: { payload: ['must be empty'] },
    });
  }
}
