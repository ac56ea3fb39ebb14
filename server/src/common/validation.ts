import { ErrorCode } from '@minimeet/shared';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { AppError } from './app-error.js';

/** Flattens class-validator errors into `{ "a.b": ["message", …] }`. */
export function fieldErrors(errors: ValidationError[], parent = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) out[path] = Object.values(error.constraints);
    if (error.children?.length) Object.assign(out, fieldErrors(error.children, path));
  }
  return out;
}

export function validationError(errors: ValidationError[]): AppError {
  const fields = fieldErrors(errors);
  const names = Object.keys(fields);
  const message = names.length ? `Invalid ${names.join(', ')}` : 'Invalid request';
  return new AppError(ErrorCode.VALIDATION, message, { fields });
}

/** For the global ValidationPipe: REST validation failures get the same shape as socket ones. */
export const validationExceptionFactory = (errors: ValidationError[]) => validationError(errors);

/**
 * Validates an untrusted socket payload against a shared DTO class with the REST pipe's rules
 * (unknown properties refused). Throws AppError(VALIDATION) with field details.
 */
export async function parsePayload<T extends object>(cls: ClassConstructor<T>, raw: unknown): Promise<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AppError(ErrorCode.VALIDATION, 'Payload must be a JSON object', {
      fields: { payload: ['must be an object'] },
    });
  }
  const instance = plainToInstance(cls, raw);
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  if (errors.length) throw validationError(errors);
  return instance;
}
