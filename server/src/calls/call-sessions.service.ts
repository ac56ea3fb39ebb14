import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  CALL_PARTICIPANTS_DEFAULT_LIMIT,
  ErrorCode,
  type CallParticipantDto,
  type CallParticipantsPage,
  type CallSessionDto,
  type ParticipantRole,
} from '@minimeet/shared';
import {
  Between,
  In,
  IsNull,
  LessThanOrEqual,
  MoreThan,
  MoreThanOrEqual,
  type FindOptionsWhere,
  type Repository,
} from 'typeorm';
import { AppError } from '../common/app-error.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { WebhookOutbox } from '../webhooks/webhook-outbox.service.js';
import { CallParticipant } from './call-participant.entity.js';
import { CallSession } from './call-session.entity.js';

/** Most calls one analytics request returns (newest first). */
const LIST_LIMIT = 500;

/**
 * Writes CallSession rows from presence changes. Callers serialize calls per room on one process
 * (see RoomSessionService); across processes the unique `openRoomId` index keeps one open
 * session per room: the process that loses the race to open it joins the winner's session.
 */
@Injectable()
export class CallSessionsService {
  private readonly log: Logger;

  constructor(
    @InjectRepository(CallSession) private readonly sessions: Repository<CallSession>,
    @InjectRepository(CallParticipant) private readonly participants: Repository<CallParticipant>,
    @Inject(ROOT_LOGGER) logger: Logger,
    @Inject(WebhookOutbox) private readonly webhooks: WebhookOutbox,
  ) {
    this.log = logger.child({ context: 'calls' });
  }

  /**
   * A user became present; starts a session if the room had none. Back within
   * `rejoinWindowMs` of leaving this call, the user's last stay continues (leftAt cleared)
   * instead of a new row, so join/leave churn does not grow the call. Callers call this once
   * per user-level join across the cluster (shared presence says who added the user), so the
   * participant.joined webhook written here is written once.
   */
  async userJoined(
    roomId: number,
    userId: number,
    presentCount: number,
    rejoinWindowMs = 0,
    role: ParticipantRole = 'speaker',
  ): Promise<void> {
    const now = new Date();
    const session = (await this.openSession(roomId)) ?? (await this.start(roomId, now, presentCount));
    if (presentCount > session.peakParticipants) {
      await this.sessions.update({ id: session.id }, { peakParticipants: presentCount });
    }
    const stay = rejoinWindowMs > 0 ? await this.continueStay(session.id, userId, now, rejoinWindowMs) : 'none';
    // A stay still open was never announced as left: no second participant.joined for it.
    if (stay === 'open') return;
    if (stay === 'none') {
      await this.participants.save(
        this.participants.create({ callSessionId: session.id, userId, joinedAt: now, leftAt: null, role }),
      );
    }
    await this.webhooks.record({ type: 'participant.joined', roomId, participant: { userId, role } });
  }

  /** The user's latest stay in the call: still open, reopened (ended within the window), or none to continue. */
  private async continueStay(
    callSessionId: number,
    userId: number,
    now: Date,
    windowMs: number,
  ): Promise<'open' | 'resumed' | 'none'> {
    const last = await this.participants.findOne({
      where: { callSessionId, userId },
      order: { id: 'DESC' },
    });
    if (!last) return 'none';
    if (last.leftAt === null) return 'open';
    if (now.getTime() - last.leftAt.getTime() > windowMs) return 'none';
    await this.participants.update({ id: last.id }, { leftAt: null });
    return 'resumed';
  }

  /** A user stopped being present; ends the session when nobody is left. */
  async userLeft(roomId: number, userId: number, roomNowEmpty: boolean): Promise<void> {
    const session = await this.openSession(roomId);
    if (!session) return;
    const now = new Date();
    const open = await this.participants.findOne({ where: { callSessionId: session.id, userId, leftAt: IsNull() } });
    if (open) {
      await this.participants.update({ callSessionId: session.id, userId, leftAt: IsNull() }, { leftAt: now });
      await this.announceLeft(roomId, [open]);
    }
    if (roomNowEmpty) await this.end(session, now);
  }

  /** The room went away (deleted): close its open session and stays. */
  async endRoom(roomId: number): Promise<void> {
    const session = await this.openSession(roomId);
    if (session) await this.end(session, new Date());
  }

  /**
   * Sessions left open by a previous run of a single-process server (nobody can still be in
   * them). Not used with shared presence, where other processes may be serving those calls.
   */
  async endAllOpen(): Promise<number> {
    const open = await this.sessions.findBy({ endedAt: IsNull() });
    const now = new Date();
    for (const session of open) await this.end(session, now);
    return open.length;
  }

  /** Calls newest first, each with its first `participantLimit` stays (and a cursor for more). */
  async list(
    from?: Date,
    to?: Date,
    participantLimit = CALL_PARTICIPANTS_DEFAULT_LIMIT,
  ): Promise<CallSessionDto[]> {
    const where: FindOptionsWhere<CallSession> = {};
    if (from && to) where.startedAt = Between(from, to);
    else if (from) where.startedAt = MoreThanOrEqual(from);
    else if (to) where.startedAt = LessThanOrEqual(to);
    const rows = await this.sessions.find({
      where,
      relations: { room: true },
      withDeleted: true,
      order: { startedAt: 'DESC', id: 'DESC' },
      take: LIST_LIMIT,
    });
    const calls: CallSessionDto[] = [];
    for (const row of rows) {
      const page = await this.participantsPage(row.id, 0, participantLimit);
      const dto = toDto(row, page.participants);
      if (page.nextCursor) dto.participantsCursor = page.nextCursor;
      calls.push(dto);
    }
    return calls;
  }

  /** One page of a call's stays, oldest first, after `cursor` (a stay id); NOT_FOUND for no such call. */
  async participantsPage(
    callSessionId: number,
    cursor: number,
    limit: number,
  ): Promise<CallParticipantsPage> {
    const rows = await this.participants.find({
      where: { callSessionId, id: MoreThan(cursor) },
      relations: { user: true },
      order: { id: 'ASC' },
      take: limit + 1,
    });
    if (!rows.length && !(await this.sessions.existsBy({ id: callSessionId }))) {
      throw new AppError(ErrorCode.NOT_FOUND, `Call ${callSessionId} not found`);
    }
    const shown = rows.slice(0, limit);
    const page: CallParticipantsPage = { participants: shown.map(participantDto) };
    if (rows.length > limit) page.nextCursor = String(shown[shown.length - 1]!.id);
    return page;
  }

  /** Room id → id of its running call (one query; rooms without one are absent). */
  async openSessionIds(roomIds: readonly number[]): Promise<Map<number, number>> {
    if (!roomIds.length) return new Map();
    const rows = await this.sessions.find({
      select: { id: true, roomId: true },
      where: { roomId: In([...roomIds]), endedAt: IsNull() },
      order: { id: 'ASC' },
    });
    // Ascending ids: the newest open session of a room wins, as in openSession.
    return new Map(rows.map((s) => [s.roomId, s.id]));
  }

  /** Opens the room's session, or returns the one another process opened a moment before. */
  private async start(roomId: number, now: Date, presentCount: number): Promise<CallSession> {
    const row = this.sessions.create({
      roomId,
      openRoomId: roomId,
      startedAt: now,
      endedAt: null,
      peakParticipants: presentCount,
    });
    try {
      // room.started commits with the session: a process that loses the race below (and then
      // writes its participant.joined) finds the event already in the outbox, before its own.
      await this.sessions.manager.transaction(async (manager) => {
        const result = await manager.insert(CallSession, row);
        row.id = (result.identifiers[0] as { id: number }).id;
        await this.webhooks.record({ type: 'room.started', roomId }, manager);
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const winner = await this.openSession(roomId);
      if (!winner) throw err; // opened and ended again meanwhile: let the caller log it
      this.log.info({ roomId, callSessionId: winner.id }, 'call already opened by another process');
      return winner;
    }
    this.log.info({ roomId, callSessionId: row.id }, 'call started');
    return row;
  }

  /** participant.left for each user of these stays (once per user). */
  private async announceLeft(roomId: number, stays: readonly CallParticipant[]): Promise<void> {
    const seen = new Set<number>();
    for (const stay of stays) {
      if (seen.has(stay.userId)) continue;
      seen.add(stay.userId);
      await this.webhooks.record({
        type: 'participant.left',
        roomId,
        participant: { userId: stay.userId, role: participantRole(stay) },
      });
    }
  }

  private openSession(roomId: number): Promise<CallSession | null> {
    return this.sessions.findOne({ where: { roomId, endedAt: IsNull() }, order: { id: 'DESC' } });
  }

  private async end(session: CallSession, now: Date): Promise<void> {
    const stillIn = await this.participants.findBy({ callSessionId: session.id, leftAt: IsNull() });
    await this.participants.update({ callSessionId: session.id, leftAt: IsNull() }, { leftAt: now });
    const result = await this.sessions.update({ id: session.id, endedAt: IsNull() }, { endedAt: now, openRoomId: null });
    // Ended meanwhile by another process: that one announced it.
    if (result.affected === 0) return;
    await this.announceLeft(session.roomId, stillIn);
    await this.webhooks.record({ type: 'room.finished', roomId: session.roomId });
    this.log.info({ roomId: session.roomId, callSessionId: session.id }, 'call ended');
  }
}

function participantRole(stay: CallParticipant): ParticipantRole {
  return stay.role === 'host' || stay.role === 'attendee' ? stay.role : 'speaker';
}

function participantDto(p: CallParticipant): CallParticipantDto {
  return {
    userId: p.userId,
    username: p.user?.username ?? '',
    joinedAt: p.joinedAt.toISOString(),
    leftAt: p.leftAt?.toISOString() ?? null,
  };
}

function toDto(s: CallSession, participants: CallParticipantDto[]): CallSessionDto {
  return {
    id: s.id,
    roomId: s.roomId,
    roomName: s.room?.name ?? '',
    startedAt: s.startedAt.toISOString(),
    endedAt: s.endedAt?.toISOString() ?? null,
    durationMs: s.endedAt ? s.endedAt.getTime() - s.startedAt.getTime() : null,
    peakParticipants: s.peakParticipants,
    participants,
  };
}
