import 'reflect-metadata';
import { RequestMethod, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { loadOrCreateJwtSecret } from './auth/jwt-secret-store.js';
import { ConfigError, loadConfig } from './config/env.schema.js';
import { validationExceptionFactory } from './common/validation.js';
import { closeConnectionsWhileDraining } from './drain/close-connections-while-draining.js';
import { closeOnOtherSignals, stopGracefullyOnSignals } from './drain/shutdown-signals.js';
import { setupOpenApi } from './openapi/setup-openapi.js';
import { configureRealtime } from './realtime/configure-realtime.js';
import { createRootLogger, NestPinoLogger } from './logging/logger.js';
import { DrainState } from './realtime/drain-state.js';
import { RestRateLimiter } from './http-hardening/rest-rate-limit.js';
import { securityHeaders } from './http-hardening/security-headers.js';
import { HttpRequestObserver } from './metrics/http-request-observer.js';
import { serveClient } from './web/serve-client.js';

async function bootstrap() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      // One line naming the variable, no stack trace: this is an operator error.
      process.stderr.write(`minimeet: invalid configuration: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createRootLogger(config.logLevel, config.logFormat);
  if (process.env.JWT_EXPIRES_IN) {
    logger.warn(
      'JWT_EXPIRES_IN is no longer used: access tokens live ACCESS_TOKEN_TTL_SECONDS (default 900) and are refreshed',
    );
  }
  config = { ...config, jwtSecret: config.jwtSecret ?? loadOrCreateJwtSecret(config.dataDir, logger) };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  // Behind TLS proxies: req.ip (throttles, logs) is the client from X-Forwarded-For, TRUST_PROXY hops back.
  app.set('trust proxy', config.trustProxy > 0 ? config.trustProxy : false);
  app.disable('x-powered-by');
  // First middleware: every request (API, /metrics, static files) gets a request id, a log line and a latency sample.
  app.use(app.get(HttpRequestObserver).middleware());
  app.use(closeConnectionsWhileDraining(app.get(DrainState)));
  app.use(securityHeaders({ embedAllowedOrigins: config.embedAllowedOrigins }));
  app.use(app.get(RestRateLimiter).middleware());
  // Prometheus scrapes /metrics, outside the API prefix.
  app.setGlobalPrefix('api', { exclude: [{ path: 'metrics', method: RequestMethod.GET }] });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationExceptionFactory,
    }),
  );
  // SIGTERM / SIGINT drain first (rolling upgrades); the other termination signals close at once.
  closeOnOtherSignals(app, logger);
  stopGracefullyOnSignals(app, config.shutdown.graceMs, logger);
  await configureRealtime(app, config);
  setupOpenApi(app);
  serveClient(app, config.clientDistDir, logger);
  await app.listen(config.port, config.host);
  logger.info({ port: config.port, host: config.host, db: config.database.type }, 'minimeet listening');
}

bootstrap().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`minimeet: failed to start: ${message}\n`);
  process.exit(1);
});
