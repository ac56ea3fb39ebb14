import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ErrorCode, type ApiErrorBody, type WireError } from '@minimeet/shared';
import { DependencyState } from '../dependencies/dependency-state.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { AppError, errorCodeForStatus, httpStatusFor } from './app-error.js';

/** The part of Express's response this filter touches. */
interface JsonResponse {
  headersSent: boolean;
  status(code: number): JsonResponse;
  json(body: unknown): unknown;
  setHeader(name: string, value: string): unknown;
}

/**
 * Every REST error leaves as `{ statusCode, error: { code, message, details? } }`, the same
 * error object sockets get in acks. A database or Redis outage is a 503 UNAVAILABLE with
 * Retry-After; other unknown errors become a 500 without internals.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(DependencyState) private readonly dependencies: DependencyState,
  ) {}

  catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() !== 'http') {
      // Socket handlers answer through acks (realtime/ack.ts) and should never throw; if one
      // does, it is a bug worth a log line rather than a silent drop.
      this.logger.error({ err: exception, context: host.getType() }, 'unhandled error outside HTTP');
      return;
    }
    const res = host.switchToHttp().getResponse<JsonResponse>();
    const { status, error } = this.describe(this.dependencies.unavailable(exception) ?? exception);
    // An outage is logged once by DependencyState, not per request.
    if (status >= 500 && error.code !== ErrorCode.UNAVAILABLE)
      this.logger.error({ err: exception }, 'unhandled error in HTTP request');
    if (res.headersSent) return;
    const retryAfterMs = error.details?.retryAfterMs;
    if (retryAfterMs !== undefined && status === 503)
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    const body: ApiErrorBody = { statusCode: status, error };
    res.status(status).json(body);
  }

  private describe(exception: unknown): { status: number; error: WireError } {
    if (exception instanceof AppError)
      return { status: httpStatusFor(exception.code), error: exception.toWire() };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, error: { code: errorCodeForStatus(status), message: messageOf(exception) } };
    }
    // body-parser errors (malformed JSON, body too large) carry their own 4xx status.
    const status = statusOf(exception);
    if (status && status >= 400 && status < 500) {
      return { status, error: { code: ErrorCode.VALIDATION, message: bodyParserMessage(exception, status) } };
    }
    return { status: 500, error: { code: ErrorCode.INTERNAL, message: 'Internal server error' } };
  }
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function statusOf(exception: unknown): number | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { status, statusCode } = exception as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' ? value : undefined;
}

function bodyParserMessage(exception: unknown, status: number): string {
  const type = (exception as { type?: unknown }).type;
  if (type === 'entity.parse.failed') return 'Request body is not valid JSON';
  if (type === 'entity.too.large' || status === 413) return 'Request body is too large';
  return 'Bad request';
}
