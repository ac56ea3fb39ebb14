import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Role, UserDto } from '@minimeet/shared';
import { DependencyState } from '../dependencies/dependency-state.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { UsersService } from '../users/users.service.js';
import { RealtimeServer } from './realtime-server.js';
import type { AppSocket } from './socket-types.js';

/**
 * How often every node re-reads which users are admins. Roles change in the database (the admin
 * CLI runs in its own process, with no line to the servers), so each node polls it: one small
 * query of the admin ids, whatever the number of sockets.
 */
export const ROLE_SYNC_INTERVAL_MS = 2000;

/**
 * What a feature does when a socket's role changes (leave the stats feed, leave rooms entered
 * only as an admin). Returns the rooms the socket left because of it.
 */
export type RoleChangeListener = (
  socket: AppSocket,
  role: Role,
) => Promise<number[] | void> | number[] | void;

/**
 * A socket's role is never trusted from its handshake: privileged actions read it from the
 * database (`current`), and every ROLE_SYNC_INTERVAL_MS each node compares its sockets' roles
 * with the database, so a demotion or promotion reaches every open socket within seconds.
 * A changed role runs the listeners, then the socket gets `roleChanged`.
 */
@Injectable()
export class SocketPrivileges implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log: Logger;
  private readonly listeners = new Set<RoleChangeListener>();
  private timer: NodeJS.Timeout | undefined;
  private syncing = false;
  /** Passes failing since the last success: 'logged' once its warn line is out, 'outage' when DependencyState logs it. */
  private failing: false | 'logged' | 'outage' = false;

  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(DependencyState) private readonly dependencies: DependencyState,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'socket-privileges' });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sync(), ROLE_SYNC_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  /** Returns the unsubscribe function. */
  onRoleChanged(listener: RoleChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The socket's user with the role the database holds now (for a privileged action). */
  async current(socket: AppSocket): Promise<UserDto> {
    const row = await this.users.findById(socket.data.user.id);
    await this.apply(socket, row?.role ?? 'user');
    return socket.data.user;
  }

  /** Records the socket's role; when it changed, the listeners run and the socket is told. */
  async apply(socket: AppSocket, role: Role): Promise<void> {
    if (socket.data.user.role === role) return;
    socket.data.user = { ...socket.data.user, role };
    const leftRoomIds: number[] = [];
    for (const listener of this.listeners) {
      try {
        leftRoomIds.push(...((await listener(socket, role)) ?? []));
      } catch (err) {
        this.log.error({ err, socketId: socket.id }, 'role change listener failed');
      }
    }
    this.log.info(
      { userId: socket.data.user.id, socketId: socket.id, role, leftRoomIds },
      'socket role changed',
    );
    socket.emit('roleChanged', { role, leftRoomIds });
  }

  /** One pass over this node's sockets. Never rejects; a pass still running skips the next. */
  async sync(): Promise<void> {
    if (this.syncing || !this.realtime.ready) return;
    const sockets = [...this.realtime.io.sockets.sockets.values()].filter((s) => s.data.user);
    if (!sockets.length) return;
    this.syncing = true;
    try {
      const admins = await this.users.adminIds();
      if (this.failing === 'logged') this.log.info('role sync works again');
      this.failing = false;
      await Promise.all(
        sockets.map((socket) => this.apply(socket, admins.has(socket.data.user.id) ? 'admin' : 'user')),
      );
    } catch (err) {
      // The database is unreachable: roles stay as they were until a pass succeeds. An outage
      // is logged (once) by DependencyState; anything else here.
      if (this.dependencies.unavailable(err)) this.failing ||= 'outage';
      else if (this.failing !== 'logged') {
        this.log.warn({ err }, 'role sync failed; retried every pass');
        this.failing = 'logged';
      }
    } finally {
      this.syncing = false;
    }
  }
}
