import { ErrorCode } from '@minimeet/shared';
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { AppError } from '../common/app-error.js';

/**
 * Streams the one file of a multipart/form-data request into `onFile` (never buffered whole).
 * Other fields are ignored; a second file is refused by busboy's limit. When `onFile` fails
 * (the size limit, storage down) the answer goes out at once and the rest of the body is drained.
 */
export function receiveOneFile<T>(
  req: IncomingMessage,
  onFile: (file: Readable, filename: string) => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 10, parts: 11, fieldSize: 1024 },
      });
    } catch {
      reject(new AppError(ErrorCode.VALIDATION, 'Expected multipart/form-data with one file field'));
      return;
    }
    let handling: Promise<T> | undefined;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.resume();
      reject(err);
    };
    parser.on('file', (_field, file, info) => {
      if (handling) return void file.resume();
      handling = onFile(file, info.filename ?? '');
      handling.catch((err: unknown) => {
        file.resume();
        fail(err);
      });
    });
    parser.on('error', () => fail(new AppError(ErrorCode.VALIDATION, 'Malformed multipart body')));
    parser.on('close', () => {
      if (!handling) return fail(new AppError(ErrorCode.VALIDATION, 'The request carries no file'));
      handling.then((value) => {
        if (settled) return;
        settled = true;
        resolve(value);
      }, fail);
    });
    req.on('error', fail);
    req.pipe(parser);
  });
}
