import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { freePort } from '@minimeet/test-harness';
import { describe, expect, it } from 'vitest';
import { unavailableDependency } from './dependency-errors.js';

/** What a driver really throws, caught. */
async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

const wrap = (driverError: unknown) => Object.assign(new Error('query failed'), { driverError });

describe('which dependency an error says is down', () => {
  it('MariaDB/MySQL not listening (the pool connect), bare and wrapped as TypeORM does', async () => {
    const port = await freePort();
    const err = await caught(() => mysql.createConnection({ host: '127.0.0.1', port, connectTimeout: 2000 }));
    expect(unavailableDependency(err)).toBe('db');
    expect(unavailableDependency(wrap(err))).toBe('db');
  });

  it('mysql2 connection lost / server shutdown codes', () => {
    for (const code of ['PROTOCOL_CONNECTION_LOST', 'ER_SERVER_SHUTDOWN', 'ECONNRESET', 'PROTOCOL_SEQUENCE_TIMEOUT'])
      expect(unavailableDependency(wrap(Object.assign(new Error(code), { code })))).toBe('db');
    const closed = Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true });
    expect(unavailableDependency(closed)).toBe('db');
  });

  it('Redis down: a command on a connection that is not up fails at once (no offline queue)', async () => {
    const port = await freePort();
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    try {
      const err = await caught(() => redis.get('k'));
      expect(unavailableDependency(err)).toBe('redis');
    } finally {
      redis.disconnect();
    }
    expect(unavailableDependency(new Error('Command timed out'))).toBe('redis');
    expect(unavailableDependency(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }))).toBe('redis');
  });

  it('errors about the data, not the dependency, are not outages', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (k TEXT UNIQUE); INSERT INTO t VALUES (1)');
    let unique: unknown;
    try {
      db.exec('INSERT INTO t VALUES (1)');
    } catch (err) {
      unique = err;
    } finally {
      db.close();
    }
    expect(unavailableDependency(unique)).toBeNull();
    expect(unavailableDependency(wrap(unique))).toBeNull();
    expect(unavailableDependency(new TypeError('x is undefined'))).toBeNull();
    expect(unavailableDependency(wrap(Object.assign(new Error('dup'), { code: 'ER_DUP_ENTRY', errno: 1062 })))).toBeNull();
    expect(unavailableDependency(null)).toBeNull();
  });
});
