import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserDto } from '@minimeet/shared';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { AppMetrics } from './app-metrics.js';

/** The Express request fields read here (route is set once the router matched one). */
type ObservedRequest = IncomingMessage & {
  path: string;
  baseUrl?: string;
  route?: { path?: unknown };
  user?: UserDto;
};

/** An incoming x-request-id is kept only if it is short and plain (it ends up in logs). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Probes and scrapes: logged at debug so they do not flood the log. */
const QUIET_ROUTES = new Set(['/api/health', '/metrics']);

/**
 * Express middleware for every HTTP request: a request id (the caller's x-request-id or a new
 * one, echoed in the response), one structured log line, and the duration histogram labelled
 * by route pattern (never the raw URL).
 */
@Injectable()
export class HttpRequestObserver {
  private readonly log: Logger;

  constructor(
    @Inject(AppMetrics) private readonly metrics: AppMetrics,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'http' });
  }

  middleware() {
    return (req: ObservedRequest, res: ServerResponse, next: () => void) => {
      const started = performance.now();
      const incoming = req.headers['x-request-id'];
      const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', requestId);
      res.once('close', () => {
        const ms = performance.now() - started;
        const status = res.statusCode;
        const route = routeOf(req, status);
        const method = req.method ?? 'GET';
        this.metrics.observeHttpRequest(method, route, status, ms);
        const line = {
          requestId,
          method,
          route,
          path: req.path,
          status,
          ms: Math.round(ms * 10) / 10,
          ...(req.user ? { userId: req.user.id } : {}),
          ...(res.writableFinished ? {} : { aborted: true }),
        };
        if (QUIET_ROUTES.has(route)) this.log.debug(line, 'http request');
        else this.log.info(line, 'http request');
      });
      next();
    };
  }
}

/**
 * The matched route pattern. Fixed names otherwise: `<unmatched>` for a 404 that no route
 * matched (including Nest's catch-all `/api*path` not-found route), `<static>` for files and the
 * SPA fallback.
 */
function routeOf(req: ObservedRequest, status: number): string {
  const pattern = req.route?.path;
  if (typeof pattern === 'string' && !(status === 404 && pattern.includes('*'))) {
    return `${req.baseUrl ?? ''}${pattern}`;
  }
  return status === 404 ? '<unmatched>' : '<static>';
}
