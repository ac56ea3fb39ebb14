import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks (issue 20): the outbox of deliveries (one row per event and URL, written where the
 * event happens, sent by a background dispatcher) and the log of every attempt. No foreign key
 * to rooms: a deleted room's last events are still sent. call_participants learns the role a
 * user joined with, for participant.left.
 */
export class Webhooks1790000000000 implements MigrationInterface {
  name = 'Webhooks1790000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'mysql' ? MYSQL_UP : SQLITE_UP;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS webhook_attempts');
    await queryRunner.query('DROP TABLE IF EXISTS webhook_deliveries');
    await queryRunner.query('ALTER TABLE call_participants DROP COLUMN role');
  }
}

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

const SQLITE_UP = [
  `CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    eventId VARCHAR(36) NOT NULL,
    type VARCHAR(40) NOT NULL,
    roomId INTEGER NOT NULL,
    url VARCHAR(2048) NOT NULL,
    payload TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    nextAttemptAt DATETIME NOT NULL,
    lockedBy VARCHAR(64) NULL,
    lockedUntil DATETIME NULL,
    createdAt DATETIME NOT NULL
  )`,
  // The dispatcher's scan: each room's oldest pending delivery.
  'CREATE INDEX IDX_webhook_deliveries_pending ON webhook_deliveries (status, roomId, id)',
  `CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    deliveryId INTEGER NOT NULL,
    eventId VARCHAR(36) NOT NULL,
    type VARCHAR(40) NOT NULL,
    roomId INTEGER NOT NULL,
    url VARCHAR(2048) NOT NULL,
    attempt INTEGER NOT NULL,
    statusCode INTEGER NULL,
    error VARCHAR(500) NULL,
    delivered BOOLEAN NOT NULL,
    at DATETIME NOT NULL
  )`,
  'ALTER TABLE call_participants ADD COLUMN role VARCHAR(16) NULL',
];

const MYSQL_UP = [
  `CREATE TABLE webhook_deliveries (
    id INT NOT NULL AUTO_INCREMENT,
    eventId VARCHAR(36) NOT NULL,
    type VARCHAR(40) NOT NULL,
    roomId INT NOT NULL,
    url VARCHAR(2048) NOT NULL,
    payload TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    attempts INT NOT NULL DEFAULT 0,
    nextAttemptAt DATETIME(3) NOT NULL,
    lockedBy VARCHAR(64) NULL,
    lockedUntil DATETIME(3) NULL,
    createdAt DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    KEY IDX_webhook_deliveries_pending (status, roomId, id)
  ) ${TABLE_OPTIONS}`,
  `CREATE TABLE webhook_attempts (
    id INT NOT NULL AUTO_INCREMENT,
    deliveryId INT NOT NULL,
    eventId VARCHAR(36) NOT NULL,
    type VARCHAR(40) NOT NULL,
    roomId INT NOT NULL,
    url VARCHAR(2048) NOT NULL,
    attempt INT NOT NULL,
    statusCode INT NULL,
    error VARCHAR(500) NULL,
    delivered TINYINT(1) NOT NULL,
    at DATETIME(3) NOT NULL,
    PRIMARY KEY (id)
  ) ${TABLE_OPTIONS}`,
  'ALTER TABLE call_participants ADD COLUMN role VARCHAR(16) NULL',
];
