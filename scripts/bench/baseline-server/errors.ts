import { ErrorCode, type Ack } from '@minimeet/shared';
import { AppError } from '../../../server/src/common/app-error.js';

// The same refusals and payload rules as MiniMeet: its error and validation code is framework-free.
export {
  AppError as BaselineError,
  httpStatusFor as httpStatusOf,
} from '../../../server/src/common/app-error.js';
export { parsePayload } from '../../../server/src/common/validation.js';
export { mediasoupInputError } from '../../../server/src/media/mediasoup-input-error.js';

/** Runs a handler body and always produces an Ack; unexpected errors become INTERNAL (and are logged). */
export async function toAck<T>(event: string, work: () => Promise<T>): Promise<Ack<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: err.toWire() };
    console.error(`[baseline] ${event} failed:`, err);
    return { ok: false, error: { code: ErrorCode.INTERNAL, message: 'Internal server error' } };
  }
}
