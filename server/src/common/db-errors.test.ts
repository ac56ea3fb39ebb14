import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isForeignKeyViolation, isUniqueViolation } from './db-errors.js';

/** The errors a real SQLite raises, bare and wrapped the way TypeORM's QueryFailedError wraps them. */
function sqliteError(sql: string): unknown {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE rooms (id INTEGER PRIMARY KEY);
    CREATE TABLE messages (id INTEGER PRIMARY KEY, roomId INTEGER NOT NULL REFERENCES rooms (id), k TEXT UNIQUE);
    INSERT INTO rooms (id) VALUES (1);
    INSERT INTO messages (id, roomId, k) VALUES (1, 1, 'a');`);
  try {
    db.exec(sql);
  } catch (err) {
    return err;
  } finally {
    db.close();
  }
  throw new Error(`expected ${sql} to fail`);
}

describe('database error kinds', () => {
  const duplicate = sqliteError(`INSERT INTO messages (roomId, k) VALUES (1, 'a')`);
  const missingRoom = sqliteError(`INSERT INTO messages (roomId, k) VALUES (2, 'b')`);
  const wrap = (driverError: unknown) => Object.assign(new Error('query failed'), { driverError });

  it('a unique violation is one, and not a foreign-key violation', () => {
    expect(isUniqueViolation(duplicate)).toBe(true);
    expect(isUniqueViolation(wrap(duplicate))).toBe(true);
    expect(isForeignKeyViolation(duplicate)).toBe(false);
  });

  it('a missing referenced row is a foreign-key violation, and not a unique one', () => {
    expect(isForeignKeyViolation(missingRoom)).toBe(true);
    expect(isForeignKeyViolation(wrap(missingRoom))).toBe(true);
    expect(isUniqueViolation(missingRoom)).toBe(false);
  });

  it('MySQL/MariaDB codes; anything else is neither', () => {
    expect(isUniqueViolation({ code: 'ER_DUP_ENTRY', errno: 1062 })).toBe(true);
    expect(isForeignKeyViolation(wrap({ code: 'ER_NO_REFERENCED_ROW_2', errno: 1452 }))).toBe(true);
    for (const other of [new Error('boom'), null, 'text', { code: 'ER_PARSE_ERROR', errno: 1064 }]) {
      expect(isUniqueViolation(other)).toBe(false);
      expect(isForeignKeyViolation(other)).toBe(false);
    }
  });
});
