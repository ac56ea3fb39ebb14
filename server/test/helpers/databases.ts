import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/** The databases every server integration test runs against. */
export type DbKind = 'sqlite' | 'mariadb';
export const DB_KINDS: DbKind[] = ['sqlite', 'mariadb'];

export interface TestDatabase {
  kind: DbKind;
  /** DATABASE_URL for the server. */
  url: string;
  /** Removes the database (file or schema). */
  drop(): Promise<void>;
}

/** Server (no database part) for MariaDB tests; override with TEST_MYSQL_URL. */
const MYSQL_SERVER_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

/** A fresh, empty database: a new SQLite file, or a new MariaDB schema `minimeet_test_<random>`. */
export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'minimeet-test-'));
    return {
      kind,
      url: `sqlite:${path.join(dir, 'test.sqlite')}`,
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const name = `minimeet_test_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection(MYSQL_SERVER_URL);
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  return {
    kind,
    url: `${MYSQL_SERVER_URL.replace(/\/$/, '')}/${name}`,
    async drop() {
      const conn = await mysql.createConnection(MYSQL_SERVER_URL);
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}
