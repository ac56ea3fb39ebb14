import { pino, type Logger } from 'pino';
import type { LoggerService } from '@nestjs/common';
import { REDACT_PATHS, serializeError } from './redaction.js';

export type { Logger };

/** Root structured logger (JSON lines on stdout); secrets and SQL parameters never reach it. */
export function createRootLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'minimeet' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
  });
}

/** Routes Nest's own log calls into pino so every line is structured. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
