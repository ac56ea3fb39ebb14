import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rooms that let people without an account join by link (issue 20 item 1): off for every existing room. */
export class RoomAllowGuests1790000002000 implements MigrationInterface {
  name = 'RoomAllowGuests1790000002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.options.type === 'mysql' ? 'TINYINT(1)' : 'BOOLEAN';
    await queryRunner.query(`ALTER TABLE rooms ADD COLUMN allowGuests ${type} NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE rooms DROP COLUMN allowGuests');
  }
}
