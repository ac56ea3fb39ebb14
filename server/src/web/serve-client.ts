import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger.js';

/** client/dist next to this checkout's server/dist. */
const DEFAULT_CLIENT_DIST = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'client',
  'dist',
);

/** Paths owned by the API, Socket.IO or metrics: never answered with the SPA. */
const SERVER_PATHS = /^\/(api|socket\.io|metrics)(\/|$)/;

/**
 * Serves the built React client at `/`; any other GET that is not an API path gets
 * index.html so client routes (/login, /rooms/:id) survive a reload.
 */
export function serveClient(
  app: NestExpressApplication,
  configuredDir: string | undefined,
  logger: Logger,
): void {
  const dir = path.resolve(configuredDir ?? DEFAULT_CLIENT_DIST);
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) {
    logger.warn({ dir }, 'client build not found; serving the API only (npm run build builds the client)');
    return;
  }
  app.useStaticAssets(dir, { index: false, maxAge: '1h' });
  // Express request/response, typed by the node:http parts used here.
  app.use(
    (
      req: IncomingMessage & { path: string },
      res: ServerResponse & { sendFile(p: string): void },
      next: () => void,
    ) => {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(req.path)) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    },
  );
  logger.info({ dir }, 'serving client');
}
