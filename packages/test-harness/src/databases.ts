import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';

/** The databases every server integration test runs against. */
export type DbKind = 'sqlite' | 'mariadb';
export const DB_KINDS: DbKind[] = ['sqlite', 'mariadb'];

export interface TestDatabase {
  kind: DbKind;
  /** The schema name (MariaDB) or file name (SQLite). */
  name: string;
  /** DATABASE_URL for the server. */
  url: string;
  /** Removes the database (file or schema). */
  drop(): Promise<void>;
}

/** Server (no database part) for MariaDB; override with TEST_MYSQL_URL. */
export const MYSQL_SERVER_URL = (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(
  /\/$/,
  '',
);

/**
 * A fresh, empty database: a new SQLite file, or a new MariaDB schema `<prefix>_<random>`
 * (prefix `minimeet_test` unless given).
 */
export async function createTestDatabase(kind: DbKind, prefix = 'minimeet_test'): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'minimeet-test-'));
    return {
      kind,
      name: 'test.sqlite',
      url: `sqlite:${path.join(dir, 'test.sqlite')}`,
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onMysqlServer((conn) =>
    conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`),
  );
  return {
    kind,
    name,
    url: `${MYSQL_SERVER_URL}/${name}`,
    async drop() {
      await onMysqlServer((conn) => conn.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}

/** One statement on a connection that is closed afterwards, whatever happens. */
export async function onMysqlServer<T>(
  work: (conn: mysql.Connection) => Promise<T>,
  databaseUrl = MYSQL_SERVER_URL,
): Promise<T> {
  const conn = await mysql.createConnection({ uri: databaseUrl, connectTimeout: 5000 });
  try {
    return await work(conn);
  } finally {
    await conn.end();
  }
}
