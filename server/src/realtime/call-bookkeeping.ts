import type { ParticipantRole } from '@minimeet/shared';
import type { CallSessionsService } from '../calls/call-sessions.service.js';
import type { Logger } from '../logging/logger.js';

/**
 * The call-session rows a room session writes as people come and go. Call analytics must never
 * break joining or leaving: a failed write is logged, not thrown.
 */
export class CallBookkeeping {
  constructor(
    private readonly calls: CallSessionsService,
    private readonly rejoinWindowMs: number,
    private readonly log: Logger,
  ) {}

  userJoined(roomId: number, userId: number, presentCount: number, role: ParticipantRole): Promise<void> {
    return this.record(roomId, () =>
      this.calls.userJoined(roomId, userId, presentCount, this.rejoinWindowMs, role),
    );
  }

  userLeft(roomId: number, userId: number, roomNowEmpty: boolean): Promise<void> {
    return this.record(roomId, () => this.calls.userLeft(roomId, userId, roomNowEmpty));
  }

  endRoom(roomId: number): Promise<void> {
    return this.record(roomId, () => this.calls.endRoom(roomId));
  }

  private async record(roomId: number, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.log.error({ err, roomId }, 'call session bookkeeping failed');
    }
  }
}
