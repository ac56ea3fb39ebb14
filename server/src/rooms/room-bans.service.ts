import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { RoomBanDto } from '@minimeet/shared';
import type { Repository } from 'typeorm';
import { RoomBan } from './room-ban.entity.js';

/** Users removed from a room and kept out until a moderator lets them back. */
@Injectable()
export class RoomBansService {
  constructor(@InjectRepository(RoomBan) private readonly bans: Repository<RoomBan>) {}

  /** Idempotent: a second removal keeps the first row. */
  async ban(roomId: number, userId: number, byUserId: number): Promise<void> {
    await this.bans
      .createQueryBuilder()
      .insert()
      .into(RoomBan)
      .values({ roomId, userId, byUserId, createdAt: new Date() })
      .orIgnore()
      .execute();
  }

  /** True when a ban was lifted. */
  async unban(roomId: number, userId: number): Promise<boolean> {
    const result = await this.bans.delete({ roomId, userId });
    return (result.affected ?? 0) > 0;
  }

  async isBanned(roomId: number, userId: number): Promise<boolean> {
    return (await this.bans.countBy({ roomId, userId })) > 0;
  }

  async list(roomId: number): Promise<RoomBanDto[]> {
    const rows = await this.bans.find({
      where: { roomId },
      relations: { user: true },
      order: { createdAt: 'ASC' },
    });
    return rows.map((b) => ({
      roomId: b.roomId,
      userId: b.userId,
      username: b.user.username,
      byUserId: b.byUserId,
      createdAt: b.createdAt.toISOString(),
    }));
  }
}
