import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users, rooms (+ members), messages with full-text search, call sessions.
 * The DDL differs per database: SQLite gets an FTS5 table kept in sync by triggers, MariaDB /
 * MySQL a FULLTEXT index (InnoDB).
 */
export class AuthRoomsChat1750000000000 implements MigrationInterface {
  name = 'AuthRoomsChat1750000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'mysql' ? MYSQL_UP : SQLITE_UP;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type !== 'mysql';
    if (sqlite) {
      for (const t of ['messages_fts_ai', 'messages_fts_ad', 'messages_fts_au'])
        await queryRunner.query(`DROP TRIGGER IF EXISTS ${t}`);
      await queryRunner.query('DROP TABLE IF EXISTS messages_fts');
    }
    for (const t of ['call_participants', 'call_sessions', 'messages', 'room_members', 'rooms', 'users']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}

const SQLITE_UP = [
  `CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username VARCHAR(32) NOT NULL,
    usernameKey VARCHAR(32) NOT NULL,
    passwordHash VARCHAR(100) NOT NULL,
    role VARCHAR(16) NOT NULL DEFAULT 'user',
    createdAt DATETIME NOT NULL
  )`,
  `CREATE UNIQUE INDEX UQ_users_usernameKey ON users (usernameKey)`,
  `CREATE TABLE rooms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(64) NOT NULL,
    ownerId INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    maxParticipants INTEGER NOT NULL,
    createdAt DATETIME NOT NULL,
    deletedAt DATETIME NULL
  )`,
  `CREATE INDEX IDX_rooms_ownerId ON rooms (ownerId)`,
  `CREATE TABLE room_members (
    roomId INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    userId INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (roomId, userId)
  )`,
  `CREATE INDEX IDX_room_members_userId ON room_members (userId)`,
  `CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    roomId INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    senderId INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content TEXT NOT NULL,
    clientMessageId VARCHAR(36) NOT NULL,
    createdAt DATETIME NOT NULL
  )`,
  `CREATE INDEX IDX_messages_room_id ON messages (roomId, id)`,
  `CREATE UNIQUE INDEX UQ_messages_sender_client ON messages (senderId, clientMessageId)`,
  `CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2')`,
  `CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
  END`,
  `CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
  END`,
  `CREATE TRIGGER messages_fts_au AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
  END`,
  `CREATE TABLE call_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    roomId INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    startedAt DATETIME NOT NULL,
    endedAt DATETIME NULL,
    peakParticipants INTEGER NOT NULL
  )`,
  `CREATE INDEX IDX_call_sessions_room_ended ON call_sessions (roomId, endedAt)`,
  `CREATE INDEX IDX_call_sessions_startedAt ON call_sessions (startedAt)`,
  `CREATE TABLE call_participants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    callSessionId INTEGER NOT NULL REFERENCES call_sessions (id) ON DELETE CASCADE,
    userId INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joinedAt DATETIME NOT NULL,
    leftAt DATETIME NULL
  )`,
  `CREATE INDEX IDX_call_participants_session_user ON call_participants (callSessionId, userId)`,
  `CREATE INDEX IDX_call_participants_userId ON call_participants (userId)`,
];

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

const MYSQL_UP = [
  `CREATE TABLE users (
    id INT NOT NULL AUTO_INCREMENT,
    username VARCHAR(32) NOT NULL,
    usernameKey VARCHAR(32) NOT NULL,
    passwordHash VARCHAR(100) NOT NULL,
    role VARCHAR(16) NOT NULL DEFAULT 'user',
    createdAt DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY UQ_users_usernameKey (usernameKey)
  ) ${TABLE_OPTIONS}`,
  `CREATE TABLE rooms (
    id INT NOT NULL AUTO_INCREMENT,
    name VARCHAR(64) NOT NULL,
    ownerId INT NOT NULL,
    maxParticipants INT NOT NULL,
    createdAt DATETIME(3) NOT NULL,
    deletedAt DATETIME(3) NULL,
    PRIMARY KEY (id),
    KEY IDX_rooms_ownerId (ownerId),
    CONSTRAINT FK_rooms_owner FOREIGN KEY (ownerId) REFERENCES users (id) ON DELETE CASCADE
  ) ${TABLE_OPTIONS}`,
  `CREATE TABLE room_members (
    roomId INT NOT NULL,
    userId INT NOT NULL,
    PRIMARY KEY (roomId, userId),
    KEY IDX_room_members_userId (userId),
    CONSTRAINT FK_room_members_room FOREIGN KEY (roomId) REFERENCES rooms (id) ON DELETE CASCADE,
    CONSTRAINT FK_room_members_user FOREIGN KEY (userId) REFERENCES users (id) ON DELETE CASCADE
  ) ${TABLE_OPTIONS}`,
  `CREATE TABLE messages (
    id INT NOT NULL AUTO_INCREMENT,
    roomId INT NOT NULL,
    senderId INT NOT NULL,
    content TEXT NOT NULL,
    clientMessageId VARCHAR(36) NOT NULL,
    createdAt DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    KEY IDX_messages_room_id (roomId, id),
    UNIQUE KEY UQ_messages_sender_client (senderId, clientMessageId),
    FULLTEXT KEY FT_messages_content (content),
    CONSTRAINT FK_messages_room FOREIGN KEY (roomId) REFERENCES rooms (id) ON DELETE CASCADE,
    CONSTRAINT FK_messages_sender FOREIGN KEY (senderId) REFERENCES users (id) ON DELETE CASCADE
  ) ${TABLE_OPTIONS}`,
  `CREATE TABLE call_sessions (
    id INT NOT NULL AUTO_INCREMENT,
    roomId INT NOT NULL,
    startedAt DATETIME(3) NOT NULL,
    endedAt DATETIME(3) NULL,
    peakParticipants INT NOT NULL,
    PRIMARY KEY (id),
    KEY IDX_call_sessions_room_ended (roomId, endedAt),
    KEY IDX_call_sessions_startedAt (startedAt),
    CONSTRAINT FK_call_sessions_room FOREIGN KEY (roomId) REFERENCES rooms (id) ON DELETE CASCADE
  ) ${TABLE_OPTIONS}`,
  `CREATE TABLE call_participants (
    id INT NOT NULL AUTO_INCREMENT,
    callSessionId INT NOT NULL,
    userId INT NOT NULL,
    joinedAt DATETIME(3) NOT NULL,
    leftAt DATETIME(3) NULL,
    PRIMARY KEY (id),
    KEY IDX_call_participants_session_user (callSessionId, userId),
    KEY IDX_call_participants_userId (userId),
    CONSTRAINT FK_call_participants_session FOREIGN KEY (callSessionId) REFERENCES call_sessions (id) ON DELETE CASCADE,
    CONSTRAINT FK_call_participants_user FOREIGN KEY (userId) REFERENCES users (id) ON DELETE CASCADE
  ) ${TABLE_OPTIONS}`,
];
