import { ErrorCode, type Ack, type ErrorDetails, type WireError } from '@minimeet/shared';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';

/** A refusal answered to the client in the shared wire error shape (REST body or socket ack). */
export class BaselineError extends Error {
  override name = 'BaselineError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
  }

  toWire(): WireError {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code] ?? 500;
}

function fieldErrors(errors: ValidationError[], parent = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) out[path] = Object.values(error.constraints);
    if (error.children?.length) Object.assign(out, fieldErrors(error.children, path));
  }
  return out;
}

/**
 * Validates an untrusted payload against a shared DTO class with the same rules as MiniMeet
 * (unknown properties refused), so both servers refuse the same inputs.
 */
export async function parsePayload<T extends object>(cls: ClassConstructor<T>, raw: unknown): Promise<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new BaselineError(ErrorCode.VALIDATION, 'Payload must be a JSON object', {
      fields: { payload: ['must be an object'] },
    });
  }
  const instance = plainToInstance(cls, raw);
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  if (errors.length) {
    const fields = fieldErrors(errors);
    throw new BaselineError(ErrorCode.VALIDATION, `Invalid ${Object.keys(fields).join(', ') || 'request'}`, {
      fields,
    });
  }
  return instance;
}

/** Runs a handler body and always produces an Ack; unexpected errors become INTERNAL (and are logged). */
export async function toAck<T>(event: string, work: () => Promise<T>): Promise<Ack<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (err) {
    if (err instanceof BaselineError) return { ok: false, error: err.toWire() };
    console.error(`[baseline] ${event} failed:`, err);
    return { ok: false, error: { code: ErrorCode.INTERNAL, message: 'Internal server error' } };
  }
}

/** mediasoup rejects malformed client input with TypeError (or Error for unsupported codecs). */
export function mediasoupInputError(err: unknown, field: string): BaselineError {
  const message = err instanceof Error ? err.message : String(err);
  return new BaselineError(ErrorCode.VALIDATION, `Invalid ${field}: ${message}`.slice(0, 300), {
    fields: { [field]: [message.slice(0, 200)] },
  });
}
