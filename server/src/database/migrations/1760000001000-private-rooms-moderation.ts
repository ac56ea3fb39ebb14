import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Private rooms and moderation: a room's visibility, lock and invite token, and the bans that
 * keep removed users out until the owner lets them back. Existing rooms stay public and unlocked;
 * their invite token is issued on first use.
 */
export class PrivateRoomsModeration1760000001000 implements MigrationInterface {
  name = 'PrivateRoomsModeration1760000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'mysql' ? MYSQL_UP : SQLITE_UP;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS room_bans');
    if (queryRunner.connection.options.type === 'mysql') {
      await queryRunner.query('ALTER TABLE rooms DROP COLUMN inviteToken, DROP COLUMN locked, DROP COLUMN visibility');
    } else {
      for (const column of ['inviteToken', 'locked', 'visibility'])
        await queryRunner.query(`ALTER TABLE rooms DROP COLUMN ${column}`);
    }
  }
}

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

const SQLITE_UP = [
  `ALTER TABLE rooms ADD COLUMN visibility VARCHAR(16) NOT NULL DEFAULT 'public'`,
  `ALTER TABLE rooms ADD COLUMN locked BOOLEAN NOT NULL DEFAULT 0`,
  `ALTER TABLE rooms ADD COLUMN inviteToken VARCHAR(64) NULL`,
  // Rooms created per owner per hour are counted from this index.
  `CREATE INDEX IDX_rooms_owner_created ON rooms (ownerId, createdAt)`,
  `CREATE TABLE room_bans (
    roomId INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    userId INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    byUserId INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    createdAt DATETIME NOT NULL,
    PRIMARY KEY (roomId, userId)
  )`,
];

const MYSQL_UP = [
  `ALTER TABLE rooms
    ADD COLUMN visibility VARCHAR(16) NOT NULL DEFAULT 'public',
    ADD COLUMN locked TINYINT(1) NOT NULL DEFAULT 0,
    ADD COLUMN inviteToken VARCHAR(64) NULL,
    ADD KEY IDX_rooms_owner_created (ownerId, createdAt)`,
  `CREATE TABLE room_bans (
    roomId INT NOT NULL,
    userId INT NOT NULL,
    byUserId INT NOT NULL,
    createdAt DATETIME(3) NOT NULL,
    PRIMARY KEY (roomId, userId),
    KEY IDX_room_bans_userId (userId),
    CONSTRAINT FK_room_bans_room FOREIGN KEY (roomId) REFERENCES rooms (id) ON DELETE CASCADE,
    CONSTRAINT FK_room_bans_user FOREIGN KEY (userId) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT FK_room_bans_by FOREIGN KEY (byUserId) REFERENCES users (id) ON DELETE CASCADE
  ) ${TABLE_OPTIONS}`,
];
