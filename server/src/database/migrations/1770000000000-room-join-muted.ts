import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rooms whose new joiners start muted (issue 19): off for every existing room. */
export class RoomJoinMuted1770000000000 implements MigrationInterface {
  name = 'RoomJoinMuted1770000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.options.type === 'mysql' ? 'TINYINT(1)' : 'BOOLEAN';
    await queryRunner.query(`ALTER TABLE rooms ADD COLUMN joinMuted ${type} NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE rooms DROP COLUMN joinMuted');
  }
}
