import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  ErrorCode,
  ROOM_DEFAULT_PARTICIPANTS,
  type CreateRoomRequest,
  type RoomDto,
  type UserDto,
} from '@minimeet/shared';
import { In, type Repository } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import { RoomEvents } from './room-events.js';
import { Room } from './room.entity.js';

const MEMBERS_TABLE = 'room_members';

@Injectable()
export class RoomsService {
  constructor(
    @InjectRepository(Room) private readonly rooms: Repository<Room>,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(RoomEvents) private readonly events: RoomEvents,
  ) {}

  async list(): Promise<RoomDto[]> {
    const rooms = await this.rooms.find({ order: { id: 'ASC' } });
    const counts = await this.presence.counts(rooms.map((r) => r.id));
    return rooms.map((r) => this.toDto(r, counts.get(r.id) ?? 0));
  }

  async create(owner: UserDto, body: CreateRoomRequest): Promise<RoomDto> {
    const room = await this.rooms.save(
      this.rooms.create({
        name: body.name,
        ownerId: owner.id,
        maxParticipants: body.maxParticipants ?? ROOM_DEFAULT_PARTICIPANTS,
        createdAt: new Date(),
      }),
    );
    return this.toDto(room, 0);
  }

  /** The room, or NOT_FOUND (deleted rooms included). */
  async require(roomId: number): Promise<Room> {
    const room = await this.rooms.findOneBy({ id: roomId });
    if (!room) throw new AppError(ErrorCode.NOT_FOUND, `Room ${roomId} not found`);
    return room;
  }

  /** Room id → name for the rooms that exist (one query). */
  async namesByIds(roomIds: readonly number[]): Promise<Map<number, string>> {
    if (!roomIds.length) return new Map();
    const rows = await this.rooms.find({ select: { id: true, name: true }, where: { id: In([...roomIds]) } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async get(roomId: number): Promise<RoomDto> {
    return this.describe(await this.require(roomId));
  }

  async describe(room: Room): Promise<RoomDto> {
    const counts = await this.presence.counts([room.id]);
    return this.toDto(room, counts.get(room.id) ?? 0);
  }

  /** Owner or admin only. Everyone present is told through RoomEvents. */
  async delete(roomId: number, user: UserDto): Promise<void> {
    const room = await this.require(roomId);
    if (room.ownerId !== user.id && user.role !== 'admin') {
      throw new AppError(ErrorCode.FORBIDDEN, 'Only the owner or an admin can delete this room');
    }
    await this.rooms.softDelete({ id: roomId });
    this.events.emitRoomDeleted({ roomId, byUserId: user.id });
  }

  /** Account removal: the user's rooms are deleted as if the owner deleted each. Returns their ids. */
  async deleteAllOwnedBy(owner: UserDto): Promise<number[]> {
    const owned = await this.rooms.find({ select: { id: true }, where: { ownerId: owner.id } });
    for (const { id } of owned) await this.delete(id, owner);
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

  /** NOT_FOUND for a missing room, NOT_IN_ROOM unless the user has joined it. */
  async requireMember(roomId: number, userId: number): Promise<Room> {
    const room = await this.require(roomId);
    if (!(await this.isMember(roomId, userId))) {
      throw new AppError(ErrorCode.NOT_IN_ROOM, `Join room ${roomId} first`);
    }
    return room;
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
      participantCount,
      createdAt: room.createdAt.toISOString(),
    };
  }
}
