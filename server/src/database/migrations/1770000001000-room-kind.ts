import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Webinar rooms (issue 19): every existing room stays a meeting. */
export class RoomKind1770000001000 implements MigrationInterface {
  name = 'RoomKind1770000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE rooms ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'meeting'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE rooms DROP COLUMN kind');
  }
}
