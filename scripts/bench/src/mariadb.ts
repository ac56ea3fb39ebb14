/** A throw-away MariaDB database for the chat benchmark (created fresh, dropped afterwards). */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Rows in the messages table right now. */
  countMessages(): Promise<number>;
  drop(): Promise<void>;
}

export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root' } as const;

export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = `minimeet_bench_${randomBytes(4).toString('hex')}`;
  const conn = await mysql.createConnection({ ...MARIADB, connectTimeout: 5000 });
  try {
    await conn.query(`CREATE DATABASE \`${name}\``);
  } finally {
    await conn.end();
  }
  return {
    name,
    url: `mysql://${MARIADB.user}@${MARIADB.host}:${MARIADB.port}/${name}`,
    async countMessages() {
      const c = await mysql.createConnection({ ...MARIADB, database: name });
      try {
        const [rows] = await c.query('SELECT COUNT(*) AS n FROM messages');
        return Number((rows as Array<{ n: number | string }>)[0]?.n ?? 0);
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = await mysql.createConnection(MARIADB);
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end();
      }
    },
  };
}
