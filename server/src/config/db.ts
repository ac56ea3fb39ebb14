import path from 'node:path';
import { z } from 'zod';
import { refuse } from './env-fields.js';

/** DATABASE_URL → where the data lives; errors never echo the URL's password. */
const databaseUrl = z
  .string()
  .default('sqlite:./data/minimeet.sqlite')
  .transform((raw, ctx) => {
    if (raw.startsWith('sqlite:')) {
      const file = raw.slice('sqlite:'.length).replace(/^\/\//, '');
      if (!file)
        return refuse(ctx, 'DATABASE_URL: sqlite URL needs a file path, e.g. sqlite:./data/minimeet.sqlite');
      return { type: 'sqlite' as const, path: file };
    }
    if (/^(mysql|mariadb):\/\//.test(raw)) {
      if (!isMysqlUrl(raw))
        return refuse(
          ctx,
          'DATABASE_URL: not a valid mysql URL (expected mysql://user:pass@host:3306/db, or mysql://user@localhost/db?socketPath=/run/mysqld/mysqld.sock)',
        );
      return { type: 'mysql' as const, url: raw.replace(/^mariadb:/, 'mysql:') };
    }
    return refuse(
      ctx,
      `DATABASE_URL: unsupported value "${raw.slice(0, 60)}" (expected sqlite:<file> or mysql://user:pass@host:port/db)`,
    );
  });

function isMysqlUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return !!url.hostname && url.pathname.length > 1;
  } catch {
    return false;
  }
}

export type DatabaseConfig = z.output<typeof databaseUrl>;

/** The database, and the directory for the server's own files (the generated JWT secret). */
export const dbEnv = z.object({
  DATABASE_URL: databaseUrl,
  DATA_DIR: z.string().optional(),
});

export const dbSection = dbEnv.transform((e) => ({
  database: e.DATABASE_URL,
  /** Where the server keeps files of its own (the generated JWT secret). */
  dataDir: path.resolve(e.DATA_DIR ?? defaultDataDir(e.DATABASE_URL)),
}));

/** Next to the SQLite file (each database its own secret), else ./data. */
export function defaultDataDir(db: DatabaseConfig): string {
  return db.type === 'sqlite' && db.path !== ':memory:' ? path.dirname(db.path) : './data';
}
