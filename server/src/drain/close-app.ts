import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { Logger } from '../logging/logger.js';
import { DrainState } from '../realtime/drain-state.js';

/** After this long in app.close(), the HTTP connections still open are ended. */
const END_CONNECTIONS_AFTER_MS = 10_000;
/** After this long, the process exits anyway (1), naming what it was still waiting for. */
const EXIT_AFTER_MS = 60_000;

/**
 * Closes the app (every module's shutdown hooks, then Socket.IO and the HTTP server) so that the
 * process always ends. From here on every HTTP answer closes its connection (DrainState, see
 * close-connections-while-draining.ts). Nest waits for the HTTP server to close, which waits for
 * every connection: one with a request that never ends (a client that stalls mid-upload) is ended
 * after END_CONNECTIONS_AFTER_MS. A shutdown hook that never settles is a bug; the deadline turns
 * it into an exit 1 with the pending resources logged instead of a node that never stops.
 */
export async function closeApp(app: INestApplication, log: Logger): Promise<void> {
  app.get(DrainState).begin();
  const server = app.getHttpServer() as Server;
  const endConnections = setTimeout(() => {
    log.warn({ afterMs: END_CONNECTIONS_AFTER_MS }, 'closing: ending the HTTP connections still open');
    server.closeAllConnections();
  }, END_CONNECTIONS_AFTER_MS);
  const deadline = setTimeout(() => {
    log.error(
      { afterMs: EXIT_AFTER_MS, pending: process.getActiveResourcesInfo() },
      'closing did not finish: exiting anyway',
    );
    process.exit(1);
  }, EXIT_AFTER_MS);
  endConnections.unref();
  deadline.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(endConnections);
    clearTimeout(deadline);
  }
}
