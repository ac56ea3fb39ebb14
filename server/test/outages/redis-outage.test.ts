/**
 * Issue 18 item 1: a 10 s Redis outage (the test's own redis-server, killed -9 and restarted
 * empty on the same port, as after a crash; then frozen with SIGSTOP) under a live chat and call, with the server's
 * presence, chat rate limit, locks and cluster bus on that Redis. See outage-scenario.ts.
 */
import { startServer, type ServerProcess } from '@minimeet/test-harness';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { closeAllSockets } from '../helpers/chat-client.js';
import { startRedis, type DependencyInstance } from '../helpers/dependency-instances.js';
import { OUTAGE_ENV, runOutageScenario } from './outage-scenario.js';

let redis: (DependencyInstance & { url: string }) | undefined;
let server: ServerProcess | undefined;
let skipReason: string | undefined;

beforeAll(async () => {
  const started = await startRedis();
  if ('skip' in started) {
    skipReason = started.skip;
    console.warn(`redis outage test skipped: ${skipReason}`);
    return;
  }
  redis = started;
  server = await startServer({ env: { ...OUTAGE_ENV, REDIS_URL: redis.url } });
}, 120_000);

afterAll(async () => {
  closeAllSockets();
  await server?.stop();
  await redis?.close();
});

describe('Redis down for 10 s under a chat and a call', () => {
  it('answers UNAVAILABLE (never INTERNAL, never a hang), keeps media flowing, loses no acked message and recovers within 5 s', async (ctx) => {
    if (!redis || !server) return ctx.skip(skipReason);
    const instance = redis;
    await runOutageScenario(server, 'redis', { down: () => instance.kill(), up: () => instance.restart() });
  }, 120_000);

  it('the same when Redis hangs (SIGSTOP: connections stay open, nothing answers) instead of dying', async (ctx) => {
    if (!redis || !server) return ctx.skip(skipReason);
    const instance = redis;
    await runOutageScenario(server, 'redis', {
      down: async () => instance.freeze(),
      up: async () => instance.thaw(),
    });
  }, 120_000);
});
