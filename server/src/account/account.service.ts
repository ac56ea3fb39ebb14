import { Inject, Injectable } from '@nestjs/common';
import type { AuthResponse, UserDto } from '@minimeet/shared';
import { AuthService } from '../auth/auth.service.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { SocketSessions } from '../realtime/socket-sessions.js';
import { RoomsService } from '../rooms/rooms.service.js';

/**
 * Account actions that end sessions: each revokes the user's tokens (AuthService) and then
 * closes the user's sockets on every process (SocketSessions).
 */
@Injectable()
export class AccountService {
  private readonly log: Logger;

  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(SocketSessions) private readonly sockets: SocketSessions,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'account' });
  }

  async logoutAll(user: UserDto): Promise<void> {
    await this.auth.revokeAll(user.id);
    this.sockets.endUserSessions(user.id, 'revoked');
  }

  /** The caller's other sessions end too; the returned pair is the only valid one. */
  async changePassword(user: UserDto, currentPassword: string, newPassword: string): Promise<AuthResponse> {
    const fresh = await this.auth.changePassword(user.id, currentPassword, newPassword);
    this.sockets.endUserSessions(user.id, 'revoked');
    return fresh;
  }

  /**
   * The account row stays, anonymised, so messages keep a sender and calls their participant;
   * the user's rooms are deleted (everyone in them is told) like an owner's delete would.
   */
  async remove(user: UserDto, password: string): Promise<void> {
    await this.auth.removeAccount(user.id, password);
    this.sockets.endUserSessions(user.id, 'accountRemoved');
    const roomIds = await this.rooms.deleteAllOwnedBy(user);
    this.log.info({ userId: user.id, deletedRooms: roomIds }, 'account removed');
  }
}
