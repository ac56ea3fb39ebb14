import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Token lifetime and revocation: users.tokenVersion (carried by every token; bumping it revokes
 * them all), users.deletedAt (removed accounts stay as anonymised rows), and refresh_tokens
 * (opaque, stored as SHA-256 hashes, single use, grouped in rotation families).
 */
export class TokenVersions1760000000000 implements MigrationInterface {
  name = 'TokenVersions1760000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'mysql' ? MYSQL_UP : SQLITE_UP;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS refresh_tokens');
    await queryRunner.query('ALTER TABLE users DROP COLUMN deletedAt');
    await queryRunner.query('ALTER TABLE users DROP COLUMN tokenVersion');
  }
}

const SQLITE_UP = [
  `ALTER TABLE users ADD COLUMN tokenVersion INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE users ADD COLUMN deletedAt DATETIME NULL`,
  `CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    userId INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tokenHash VARCHAR(64) NOT NULL,
    familyId VARCHAR(32) NOT NULL,
    tokenVersion INTEGER NOT NULL,
    expiresAt DATETIME NOT NULL,
    usedAt DATETIME NULL,
    createdAt DATETIME NOT NULL
  )`,
  `CREATE UNIQUE INDEX UQ_refresh_tokens_hash ON refresh_tokens (tokenHash)`,
  `CREATE INDEX IDX_refresh_tokens_user ON refresh_tokens (userId, expiresAt)`,
  `CREATE INDEX IDX_refresh_tokens_family ON refresh_tokens (familyId)`,
];

const MYSQL_UP = [
  `ALTER TABLE users ADD COLUMN tokenVersion INT NOT NULL DEFAULT 0, ADD COLUMN deletedAt DATETIME(3) NULL`,
  `CREATE TABLE refresh_tokens (
    id INT NOT NULL AUTO_INCREMENT,
    userId INT NOT NULL,
    tokenHash VARCHAR(64) NOT NULL,
    familyId VARCHAR(32) NOT NULL,
    tokenVersion INT NOT NULL,
    expiresAt DATETIME(3) NOT NULL,
    usedAt DATETIME(3) NULL,
    createdAt DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY UQ_refresh_tokens_hash (tokenHash),
    KEY IDX_refresh_tokens_user (userId, expiresAt),
    KEY IDX_refresh_tokens_family (familyId),
    CONSTRAINT FK_refresh_tokens_user FOREIGN KEY (userId) REFERENCES users (id) ON DELETE CASCADE
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
];
