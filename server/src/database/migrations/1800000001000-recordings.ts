import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Recordings of calls (issue 21 item 2): state, timing, composite and per-track files (JSON). */
export class Recordings1800000001000 implements MigrationInterface {
  name = 'Recordings1800000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'mysql' ? MYSQL_UP : SQLITE_UP;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS recordings');
  }
}

const SQLITE_UP = [
  `CREATE TABLE recordings (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    roomId INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    state VARCHAR(16) NOT NULL,
    startedAt DATETIME NOT NULL,
    stoppedAt DATETIME NULL,
    durationMs INTEGER NOT NULL DEFAULT 0,
    sizeBytes BIGINT NOT NULL DEFAULT 0,
    startedById INTEGER NOT NULL,
    startedByName VARCHAR(64) NOT NULL,
    nodeId VARCHAR(128) NOT NULL,
    error VARCHAR(255) NULL,
    compositeFile VARCHAR(64) NULL,
    compositeType VARCHAR(64) NULL,
    tracks TEXT NOT NULL
  )`,
  // A room's recordings (list, deletion, the one running); the retention sweep (by start).
  'CREATE INDEX IDX_recordings_room ON recordings (roomId, state)',
  'CREATE INDEX IDX_recordings_started ON recordings (startedAt)',
];

const MYSQL_UP = [
  `CREATE TABLE recordings (
    id INT NOT NULL AUTO_INCREMENT,
    roomId INT NOT NULL,
    state VARCHAR(16) NOT NULL,
    startedAt DATETIME(3) NOT NULL,
    stoppedAt DATETIME(3) NULL,
    durationMs INT NOT NULL DEFAULT 0,
    sizeBytes BIGINT NOT NULL DEFAULT 0,
    startedById INT NOT NULL,
    startedByName VARCHAR(64) NOT NULL,
    nodeId VARCHAR(128) NOT NULL,
    error VARCHAR(255) NULL,
    compositeFile VARCHAR(64) NULL,
    compositeType VARCHAR(64) NULL,
    tracks MEDIUMTEXT NOT NULL,
    PRIMARY KEY (id),
    KEY IDX_recordings_room (roomId, state),
    KEY IDX_recordings_started (startedAt),
    CONSTRAINT FK_recordings_room FOREIGN KEY (roomId) REFERENCES rooms (id) ON DELETE CASCADE
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
];
