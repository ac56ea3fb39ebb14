import { ErrorCode } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';

/** mediasoup rejects malformed client input with TypeError (or Error for unsupported codecs). */
export function mediasoupInputError(err: unknown, field: string): AppError {
  const message = err instanceof Error ? err.message : String(err);
  return new AppError(ErrorCode.VALIDATION, `Invalid ${field}: ${message}`.slice(0, 300), {
    fields: { [field]: [message.slice(0, 200)] },
  });
}
