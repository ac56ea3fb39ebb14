import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * At most one open call session per room, across every server process: `openRoomId` holds the
 * room id while the session is open and NULL once it ended, under a unique index (both MariaDB
 * and SQLite allow many NULLs in a unique index). Rooms that already have several open sessions
 * keep the newest open one; the older ones are ended where they started.
 */
export class OneOpenCallPerRoom1760000002000 implements MigrationInterface {
  name = 'OneOpenCallPerRoom1760000002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'mysql' ? MYSQL_UP : SQLITE_UP;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'mysql') {
      await queryRunner.query('ALTER TABLE call_sessions DROP INDEX UQ_call_sessions_openRoomId, DROP COLUMN openRoomId');
    } else {
      await queryRunner.query('DROP INDEX UQ_call_sessions_openRoomId');
      await queryRunner.query('ALTER TABLE call_sessions DROP COLUMN openRoomId');
    }
  }
}

const SQLITE_UP = [
  `ALTER TABLE call_sessions ADD COLUMN openRoomId INTEGER NULL`,
  `UPDATE call_sessions SET openRoomId = roomId
    WHERE id IN (SELECT MAX(id) FROM call_sessions WHERE endedAt IS NULL GROUP BY roomId)`,
  `UPDATE call_sessions SET endedAt = startedAt WHERE endedAt IS NULL AND openRoomId IS NULL`,
  `CREATE UNIQUE INDEX UQ_call_sessions_openRoomId ON call_sessions (openRoomId)`,
];

const MYSQL_UP = [
  `ALTER TABLE call_sessions ADD COLUMN openRoomId INT NULL`,
  // MariaDB cannot update a table it selects from in a subquery; a derived table is materialised first.
  `UPDATE call_sessions s
    JOIN (SELECT MAX(id) AS id FROM call_sessions WHERE endedAt IS NULL GROUP BY roomId) newest ON newest.id = s.id
    SET s.openRoomId = s.roomId`,
  `UPDATE call_sessions SET endedAt = startedAt WHERE endedAt IS NULL AND openRoomId IS NULL`,
  `ALTER TABLE call_sessions ADD UNIQUE KEY UQ_call_sessions_openRoomId (openRoomId)`,
];
