/**
 * Issue 18 item 1: a 10 s MariaDB outage (the test's own mariadbd, killed -9 and restarted on
 * the same port and data; then frozen with SIGSTOP) under a live chat and call. See outage-scenario.ts for what is asserted.
 */
import { startServer, type ServerProcess } from '@minimeet/test-harness';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { closeAllSockets } from '../helpers/chat-client.js';
import { startMariadb, type MariadbInstance } from '../helpers/dependency-instances.js';
import { OUTAGE_ENV, runOutageScenario } from './outage-scenario.js';

let mariadb: MariadbInstance | undefined;
let server: ServerProcess | undefined;
let skipReason: string | undefined;

beforeAll(async () => {
  const started = await startMariadb();
  if ('skip' in started) {
    skipReason = started.skip;
    console.warn(`database outage test skipped: ${skipReason}`);
    return;
  }
  mariadb = started;
  server = await startServer({ env: { ...OUTAGE_ENV, DATABASE_URL: mariadb.databaseUrl } });
}, 120_000);

afterAll(async () => {
  closeAllSockets();
  await server?.stop();
  await mariadb?.close();
});

describe('MariaDB down for 10 s under a chat and a call', () => {
  it('answers UNAVAILABLE (never INTERNAL, never a hang), keeps media flowing, loses no acked message and recovers within 5 s', async (ctx) => {
    if (!mariadb || !server) return ctx.skip(skipReason);
    const db = mariadb;
    await runOutageScenario(server, 'db', { down: () => db.kill(), up: () => db.restart() });
  }, 120_000);

  it('the same when MariaDB hangs (SIGSTOP: connections stay open, queries never answer)', async (ctx) => {
    if (!mariadb || !server) return ctx.skip(skipReason);
    const db = mariadb;
    await runOutageScenario(server, 'db', { down: async () => db.freeze(), up: async () => db.thaw() });
  }, 120_000);
});
