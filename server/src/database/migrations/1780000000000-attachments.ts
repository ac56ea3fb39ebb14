import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Chat attachments (issue 21): files uploaded to a room, sent with a message. */
export class Attachments1780000000000 implements MigrationInterface {
  name = 'Attachments1780000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'mysql' ? MYSQL_UP : SQLITE_UP;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS attachments');
  }
}

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

const SQLITE_UP = [
  `CREATE TABLE attachments (
    id VARCHAR(36) PRIMARY KEY NOT NULL,
    roomId INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    uploaderId INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    messageId INTEGER NULL REFERENCES messages (id) ON DELETE CASCADE,
    name VARCHAR(255) NOT NULL,
    size INTEGER NOT NULL,
    mimeType VARCHAR(100) NOT NULL,
    hasThumbnail BOOLEAN NOT NULL DEFAULT 0,
    createdAt DATETIME NOT NULL
  )`,
  // A message's attachments (history, search); a user's stored bytes (quota); a room's (deletion).
  'CREATE INDEX IDX_attachments_message ON attachments (messageId)',
  'CREATE INDEX IDX_attachments_uploader ON attachments (uploaderId)',
  'CREATE INDEX IDX_attachments_room ON attachments (roomId)',
];

const MYSQL_UP = [
  `CREATE TABLE attachments (
    id VARCHAR(36) NOT NULL,
    roomId INT NOT NULL,
    uploaderId INT NOT NULL,
    messageId INT NULL,
    name VARCHAR(255) NOT NULL,
    size INT NOT NULL,
    mimeType VARCHAR(100) NOT NULL,
    hasThumbnail TINYINT(1) NOT NULL DEFAULT 0,
    createdAt DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    KEY IDX_attachments_message (messageId),
    KEY IDX_attachments_uploader (uploaderId),
    KEY IDX_attachments_room (roomId),
    CONSTRAINT FK_attachments_room FOREIGN KEY (roomId) REFERENCES rooms (id) ON DELETE CASCADE,
    CONSTRAINT FK_attachments_uploader FOREIGN KEY (uploaderId) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT FK_attachments_message FOREIGN KEY (messageId) REFERENCES messages (id) ON DELETE CASCADE
  ) ${TABLE_OPTIONS}`,
];
