import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  ErrorCode,
  PREVIEW_PARTICIPANTS_MAX,
  ROOM_DEFAULT_PARTICIPANTS,
  ROOM_MIN_PARTICIPANTS,
  type CreateRoomRequest,
  type RoomLimitsDto,
  type RoomDto,
  type RoomInviteDto,
  type RoomPreviewDto,
  type UpdateRoomRequest,
  type UserDto,
} from '@minimeet/shared';
import { In, MoreThan, type Repository } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import { newInviteToken } from './invite-token.js';
import { RoomEvents } from './room-events.js';
import { RoomRecordingFlags } from './room-recording-flags.js';
import { Room } from './room.entity.js';

const MEMBERS_TABLE = 'room_members';
const HOUR_MS = 3_600_000;

/**
 * The one answer for a room that does not exist, was deleted, or is private to the caller:
 * the same status, code and text, so a private room cannot be told from a missing one.
 */
export function roomNotFound(): AppError {
  return new AppError(ErrorCode.NOT_FOUND, 'Room not found');
}

/** Owners and admins moderate a room and manage its settings; so does an app's user granted `moderate` there. */
export function isModerator(room: Pick<Room, 'id' | 'ownerId'>, user: UserDto): boolean {
  return room.ownerId === user.id || user.role === 'admin' || (isScopedTo(room, user) && user.roomScope!.grants.moderate);
}

/** An app's user (POST /api/auth/external) whose token names this room: admitted like an invite holder. */
export function isScopedTo(room: Pick<Room, 'id'>, user: UserDto): boolean {
  return user.roomScope?.roomId === room.id;
}

@Injectable()
export class RoomsService {
  constructor(
    @InjectRepository(Room) private readonly rooms: Repository<Room>,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(RoomEvents) private readonly events: RoomEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RoomRecordingFlags) private readonly recordingFlags: RoomRecordingFlags,
  ) {}

  /** Public rooms, plus the private ones the user owns or is a member of (admins see all). */
  async list(viewer: UserDto): Promise<RoomDto[]> {
    const all = await this.rooms.find({ order: { id: 'ASC' } });
    let rooms = all;
    if (viewer.role !== 'admin' && all.some((r) => r.visibility === 'private')) {
      const memberOf = new Set(await this.memberRoomIds(viewer.id));
      rooms = all.filter((r) => r.visibility === 'public' || r.ownerId === viewer.id || memberOf.has(r.id));
    }
    const counts = await this.presence.counts(rooms.map((r) => r.id));
    return rooms.map((r) => this.toDto(r, counts.get(r.id) ?? 0));
  }

  /** What this server accepts as a room's maxParticipants. */
  limits(): RoomLimitsDto {
    const maxParticipants = this.config.roomCaps.maxParticipantsLimit;
    return {
      minParticipants: ROOM_MIN_PARTICIPANTS,
      maxParticipants,
      defaultParticipants: Math.min(ROOM_DEFAULT_PARTICIPANTS, maxParticipants),
    };
  }

  /** VALIDATION when `max` is above this server's ROOM_MAX_PARTICIPANTS_LIMIT (the DTO checked the rest). */
  private assertSizeAllowed(max: number | undefined): void {
    const limit = this.config.roomCaps.maxParticipantsLimit;
    if (max === undefined || max <= limit) return;
    const message = `maxParticipants must not be greater than ${limit}`;
    throw new AppError(ErrorCode.VALIDATION, message, { fields: { maxParticipants: [message] } });
  }

  /** RATE_LIMITED past ROOM_CREATE_PER_HOUR rooms in the last hour (deleted ones count too). */
  async create(owner: UserDto, body: CreateRoomRequest): Promise<RoomDto> {
    this.assertSizeAllowed(body.maxParticipants);
    await this.assertCreateAllowed(owner.id);
    const room = await this.rooms.save(
      this.rooms.create({
        name: body.name,
        ownerId: owner.id,
        maxParticipants: body.maxParticipants ?? this.limits().defaultParticipants,
        visibility: body.visibility ?? 'public',
        locked: false,
        joinMuted: false,
        allowGuests: false,
        lobby: 'off',
        recordingAccess: 'moderators',
        kind: body.kind ?? 'meeting',
        inviteToken: newInviteToken(),
        createdAt: new Date(),
      }),
    );
    return this.toDto(room, 0);
  }

  /**
   * Counted from the rows themselves, so the cap holds across processes and restarts. Two
   * creates racing on different processes may both pass the last free slot (one room over).
   */
  private async assertCreateAllowed(ownerId: number): Promise<void> {
    const cap = this.config.roomCaps.createPerHour;
    const now = Date.now();
    const recent = await this.rooms.find({
      select: { id: true, createdAt: true },
      where: { ownerId, createdAt: MoreThan(new Date(now - HOUR_MS)) },
      withDeleted: true,
      order: { createdAt: 'DESC' },
      take: cap,
    });
    if (recent.length < cap) return;
    // Once the cap-th newest room is an hour old, one more fits.
    const retryAfterMs = Math.max(1000, recent[cap - 1]!.createdAt.getTime() + HOUR_MS - now);
    throw new AppError(ErrorCode.RATE_LIMITED, `At most ${cap} new rooms per hour`, { retryAfterMs });
  }

  /** The live room, or null when it does not exist or was deleted. */
  find(roomId: number): Promise<Room | null> {
    return this.rooms.findOneBy({ id: roomId });
  }

  /**
   * The room, or NOT_FOUND (deleted rooms included), with no regard to who asks: for callers
   * already in the room. Requests from outside go through RoomAccessService.requireVisible.
   */
  async require(roomId: number): Promise<Room> {
    const room = await this.find(roomId);
    if (!room) throw roomNotFound();
    return room;
  }

  /** Room id → name for the rooms that exist (one query). */
  async namesByIds(roomIds: readonly number[]): Promise<Map<number, string>> {
    if (!roomIds.length) return new Map();
    const rows = await this.rooms.find({ select: { id: true, name: true }, where: { id: In([...roomIds]) } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async describe(room: Room): Promise<RoomDto> {
    const counts = await this.presence.counts([room.id]);
    return this.toDto(room, counts.get(room.id) ?? 0);
  }

  /**
   * What the pre-join screen shows of a room the caller may join (RoomAccessService.requireVisible):
   * the room, the first users present by userId and how many there are. Admits nobody.
   */
  async preview(room: Room): Promise<RoomPreviewDto> {
    const present = (await this.presence.participants(room.id)).sort((a, b) => a.userId - b.userId);
    return {
      room: this.toDto(room, present.length),
      participants: present.slice(0, PREVIEW_PARTICIPANTS_MAX),
      participantCount: present.length,
    };
  }

  /**
   * Visibility, lock, size and/or join-muted of a room the caller moderates (RoomAccessService.requireModerator).
   * Everyone in the room is told through RoomEvents.
   */
  async update(room: Room, body: UpdateRoomRequest): Promise<RoomDto> {
    this.assertSizeAllowed(body.maxParticipants);
    const roomId = room.id;
    const changes: Partial<Pick<Room, 'visibility' | 'locked' | 'joinMuted' | 'allowGuests' | 'lobby' | 'recordingAccess' | 'inviteToken' | 'maxParticipants' | 'kind'>> = {};
    if (body.kind !== undefined && body.kind !== room.kind) {
      await this.assertCallEmpty(room);
      changes.kind = body.kind;
    }
    if (body.maxParticipants !== undefined && body.maxParticipants !== room.maxParticipants)
      changes.maxParticipants = body.maxParticipants;
    if (body.visibility !== undefined && body.visibility !== room.visibility) changes.visibility = body.visibility;
    if (body.locked !== undefined && body.locked !== room.locked) changes.locked = body.locked;
    if (body.joinMuted !== undefined && body.joinMuted !== Boolean(room.joinMuted)) changes.joinMuted = body.joinMuted;
    if (body.allowGuests !== undefined && body.allowGuests !== Boolean(room.allowGuests)) changes.allowGuests = body.allowGuests;
    if (body.lobby !== undefined && body.lobby !== (room.lobby ?? 'off')) changes.lobby = body.lobby;
    if (body.recordingAccess !== undefined && body.recordingAccess !== (room.recordingAccess ?? 'moderators'))
      changes.recordingAccess = body.recordingAccess;
    if (changes.visibility === 'private' && !room.inviteToken) changes.inviteToken = newInviteToken();
    if (Object.keys(changes).length) {
      await this.rooms.update({ id: roomId }, changes);
      Object.assign(room, changes);
    }
    const dto = await this.describe(room);
    if (Object.keys(changes).length) this.events.emitRoomUpdated({ room: dto });
    return dto;
  }

  /** Roles are given at join: the kind may change only while nobody is in the call. */
  private async assertCallEmpty(room: Room): Promise<void> {
    const present = (await this.presence.counts([room.id])).get(room.id) ?? 0;
    if (present > 0)
      throw new AppError(ErrorCode.CONFLICT, 'A meeting or webinar can be switched only while nobody is in the call');
  }

  /** The current invite token of a moderated room (issued now if the room has none yet). */
  async invite(room: Room): Promise<RoomInviteDto> {
    if (room.inviteToken) return { roomId: room.id, inviteToken: room.inviteToken };
    return this.rotateInvite(room);
  }

  /** A new token for a moderated room; the old one stops admitting new joiners (members keep access). */
  async rotateInvite(room: Room): Promise<RoomInviteDto> {
    const inviteToken = newInviteToken();
    await this.rooms.update({ id: room.id }, { inviteToken });
    room.inviteToken = inviteToken;
    return { roomId: room.id, inviteToken };
  }

  /** Deletes a moderated room. Everyone present is told through RoomEvents. */
  async delete(room: Room, by: UserDto): Promise<void> {
    await this.rooms.softDelete({ id: room.id });
    this.events.emitRoomDeleted({ roomId: room.id, byUserId: by.id });
  }

  /** Account removal: the user's rooms are deleted as if the owner deleted each. Returns their ids. */
  async deleteAllOwnedBy(owner: UserDto): Promise<number[]> {
    const owned = await this.rooms.find({ where: { ownerId: owner.id } });
    for (const room of owned) await this.delete(room, owner);
    return owned.map((r) => r.id);
  }

  /** Records that the user joined the room (idempotent). */
  async addMember(roomId: number, userId: number): Promise<void> {
    await this.rooms.manager
      .createQueryBuilder()
      .insert()
      .into(MEMBERS_TABLE, ['roomId', 'userId'])
      .values({ roomId, userId })
      .orIgnore()
      .execute();
  }

  /** Ends the user's membership: history and search of the room are refused from now on. */
  async removeMember(roomId: number, userId: number): Promise<void> {
    await this.rooms.manager
      .createQueryBuilder()
      .delete()
      .from(MEMBERS_TABLE)
      .where('roomId = :roomId AND userId = :userId', { roomId, userId })
      .execute();
  }

  async isMember(roomId: number, userId: number): Promise<boolean> {
    const row: unknown[] = await this.rooms.manager
      .createQueryBuilder()
      .select('m.roomId')
      .from(MEMBERS_TABLE, 'm')
      .where('m.roomId = :roomId AND m.userId = :userId', { roomId, userId })
      .limit(1)
      .getRawMany();
    return row.length > 0;
  }

  /** Ids of the live rooms the user has joined. */
  async memberRoomIds(userId: number): Promise<number[]> {
    const rows = await this.rooms
      .createQueryBuilder('r')
      .innerJoin(MEMBERS_TABLE, 'm', 'm.roomId = r.id')
      .where('m.userId = :userId', { userId })
      .select('r.id', 'id')
      .getRawMany<{ id: number | string }>();
    return rows.map((r) => Number(r.id));
  }

  toDto(room: Room, participantCount: number): RoomDto {
    return {
      id: room.id,
      name: room.name,
      ownerId: room.ownerId,
      maxParticipants: room.maxParticipants,
      visibility: room.visibility,
      locked: Boolean(room.locked),
      joinMuted: Boolean(room.joinMuted),
      allowGuests: Boolean(room.allowGuests),
      kind: room.kind ?? 'meeting',
      lobby: room.lobby ?? 'off',
      recordingAccess: room.recordingAccess ?? 'moderators',
      recording: this.recordingFlags.isRecording(room.id),
      participantCount,
      createdAt: room.createdAt.toISOString(),
    };
  }
}
