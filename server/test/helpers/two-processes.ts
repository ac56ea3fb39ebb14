import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  startServer,
  type DbKind,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { closeAllSockets } from './chat-client.js';
import { chatEnv } from './chat-server.js';
import { deleteRedisKeys, TEST_REDIS_URL } from './redis-keys.js';

/** Two server processes on one fresh database, sharing the test Redis under their own key prefix. */
export interface TwoProcesses {
  db: TestDatabase;
  one: ServerProcess;
  two: ServerProcess;
  /** REDIS_KEY_PREFIX of both processes (a fresh one: parallel and earlier runs are not seen). */
  prefix: string;
}

export interface TwoProcessesOptions {
  /** Extra environment for both processes (over chatEnv's). */
  env?: Record<string, string>;
  /** Runs after both processes stopped, before their Redis keys are deleted (e.g. check what they left). */
  afterStop?(processes: TwoProcesses): Promise<void>;
}

/**
 * Two processes for a describe block: started before its tests (handed to `started`), stopped
 * after them with the database dropped and their Redis keys deleted; the test clients' sockets
 * are closed after each test.
 */
export function useTwoProcesses(
  kind: DbKind,
  started: (processes: TwoProcesses) => void,
  options: TwoProcessesOptions = {},
): void {
  const prefix = `mmtest-${randomBytes(4).toString('hex')}`;
  let db: TestDatabase | undefined;
  let one: ServerProcess | undefined;
  let two: ServerProcess | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const env = chatEnv({
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      ...options.env,
    });
    one = await startServer({ env });
    two = await startServer({ env }); // migrations already applied by the first
    started({ db, one, two, prefix });
  }, 60_000);
  afterAll(async () => {
    closeAllSockets();
    await Promise.all([one?.stop(), two?.stop()]);
    await db?.drop();
    try {
      if (db && one && two) await options.afterStop?.({ db, one, two, prefix });
    } finally {
      await deleteRedisKeys(prefix, TEST_REDIS_URL);
    }
  });
  afterEach(() => closeAllSockets());
}
