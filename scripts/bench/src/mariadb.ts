/** The chat benchmark's scratch MariaDB database: made and dropped by @minimeet/test-harness. */
import {
  createTestDatabase,
  MYSQL_SERVER_URL,
  onMysqlServer,
  type TestDatabase,
} from '@minimeet/test-harness';

/** Where the scratch databases are made (host:port, no credentials). */
export const MARIADB_HOST = new URL(MYSQL_SERVER_URL).host;

/** A fresh, empty database `minimeet_bench_<random>`. */
export function createScratchDatabase(): Promise<TestDatabase> {
  return createTestDatabase('mariadb', 'minimeet_bench');
}

/** Rows in the database's messages table right now. */
export function countMessages(db: TestDatabase): Promise<number> {
  return onMysqlServer(async (conn) => {
    const [rows] = await conn.query('SELECT COUNT(*) AS n FROM messages');
    return Number((rows as Array<{ n: number | string }>)[0]?.n ?? 0);
  }, db.url);
}
