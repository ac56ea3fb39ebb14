import { pino, type DestinationStream, type Logger } from 'pino';
import type { LoggerService } from '@nestjs/common';
import { prettyLogLine } from './pretty-lines.js';
import { REDACT_PATHS, serializeError } from './redaction.js';

export type { Logger };

/** `auto`: pretty lines on a terminal, JSON lines otherwise (pipes, files, log collectors). */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** The format actually written: `auto` becomes pretty only when stdout is a terminal. */
export function resolveLogFormat(format: LogFormat, stdoutIsTerminal: boolean): 'json' | 'pretty' {
  if (format === 'auto') return stdoutIsTerminal ? 'pretty' : 'json';
  return format;
}

/**
 * Root structured logger on stdout (JSON lines, or the same entries as lines for people);
 * secrets and SQL parameters never reach it.
 */
export function createRootLogger(level: string, format: LogFormat = 'auto'): Logger {
  const options = {
    level,
    base: { service: 'minimeet' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
  };
  const terminal = process.stdout.isTTY === true;
  if (resolveLogFormat(format, terminal) === 'json') return pino(options);
  return pino(options, prettyStdout(terminal));
}

/** Formats each JSON line pino writes (redaction already applied) and writes it synchronously. */
function prettyStdout(colours: boolean): DestinationStream {
  return {
    write(line: string) {
      process.stdout.write(prettyLogLine(line, colours));
    },
  };
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
