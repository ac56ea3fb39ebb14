import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { reportUnawaitedFailures } from './fire-and-forget-commands.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Unhandled rejections seen while a test runs (vitest would also fail the run on one). */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  unhandled.length = 0;
});

describe('commands the Socket.IO Redis adapter leaves unawaited', () => {
  it('a PUBLISH sent while the client quits is reported, not an unhandled rejection', async () => {
    process.on('unhandledRejection', onUnhandled);
    const client = new Redis(REDIS_URL, { lazyConnect: true });
    client.on('error', () => undefined);
    const failures: string[] = [];
    reportUnawaitedFailures(client, (command, err) =>
      failures.push(`${command}: ${err instanceof Error ? err.message : String(err)}`),
    );
    await client.connect();
    // What the adapter does at shutdown: a broadcast right after (and well after) quit().
    const quitting = client.quit();
    void client.publish('mmtest-fire-and-forget', 'during quit');
    await quitting;
    void client.publish('mmtest-fire-and-forget', 'after quit');
    await new Promise((r) => setTimeout(r, 50));
    expect(failures).toEqual([
      'publish: Connection is closed.',
      'publish: Connection is closed.',
    ]);
    expect(unhandled).toEqual([]);
  });

  it('a caller that awaits the command still gets its result or its error', async () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true });
    client.on('error', () => undefined);
    const failures: string[] = [];
    reportUnawaitedFailures(client, (command) => failures.push(command));
    await client.connect();
    expect(await client.publish('mmtest-fire-and-forget', 'nobody listens')).toBe(0);
    await client.quit();
    await expect(client.publish('mmtest-fire-and-forget', 'closed')).rejects.toThrow('Connection is closed.');
    expect(failures).toEqual(['publish']);
  });
});
