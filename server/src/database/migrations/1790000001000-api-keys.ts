import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys (issue 20 item 4): apps mint join tokens with a key's secret, kept encrypted here. */
export class ApiKeys1790000001000 implements MigrationInterface {
  name = 'ApiKeys1790000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE api_keys (
        id VARCHAR(32) NOT NULL PRIMARY KEY,
        name VARCHAR(100) NOT NULL,
        secretCiphertext VARCHAR(255) NOT NULL,
        createdAt DATETIME NOT NULL,
        revokedAt DATETIME NULL
      )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE api_keys');
  }
}
