import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/env.schema.js';
import { MIGRATIONS } from './migrations/index.js';

/** How long opening a MariaDB/MySQL connection may take. */
export const MYSQL_CONNECT_TIMEOUT_MS = 3000;

/**
 * TypeORM options for the configured database. The schema is owned by migrations
 * (run at start); `synchronize` stays off so production data is never auto-altered.
 */
export function buildDataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  const common = {
    synchronize: false,
    migrationsRun: true,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each' as const,
    logging: false,
  };
  if (db.type === 'sqlite') {
    if (db.path !== ':memory:') mkdirSync(path.dirname(path.resolve(db.path)), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.path,
      // WAL lets readers run while a message insert commits.
      prepareDatabase: (conn: { pragma(sql: string): unknown }) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
      },
    };
  }
  return {
    ...common,
    type: 'mysql',
    url: db.url,
    // TypeORM drops a URL's query; a local server's unix socket is given as ?socketPath=…
    ...mysqlSocketPath(db.url),
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    // While MariaDB is down or hung a new connection fails within this (the request answers
    // UNAVAILABLE) instead of waiting on the TCP connect. mysql2's pool has no acquire timeout
    // (TypeORM's acquireTimeout is the mysql package's): a pool connection that dies is removed
    // from the pool and the next query opens a new one, which is how it recovers on its own.
    connectTimeout: MYSQL_CONNECT_TIMEOUT_MS,
  };
}

/** `mysql://user@localhost/db?socketPath=/run/mysqld/mysqld.sock` → { socketPath }. */
function mysqlSocketPath(url: string): { socketPath?: string } {
  const socketPath = new URL(url).searchParams.get('socketPath');
  return socketPath ? { socketPath } : {};
}
