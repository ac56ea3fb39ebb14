import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Room settings of the lobby (issue 20 item 3) and of recording access (issue 21 item 2): no lobby
 * and recordings for moderators only in every existing room.
 */
export class RoomLobbyRecordingAccess1800000000000 implements MigrationInterface {
  name = 'RoomLobbyRecordingAccess1800000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE rooms ADD COLUMN lobby VARCHAR(16) NOT NULL DEFAULT 'off'`);
    await queryRunner.query(`ALTER TABLE rooms ADD COLUMN recordingAccess VARCHAR(16) NOT NULL DEFAULT 'moderators'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE rooms DROP COLUMN recordingAccess');
    await queryRunner.query('ALTER TABLE rooms DROP COLUMN lobby');
  }
}
