import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ErrorCode } from '@minimeet/shared';
import { AppError } from './app-error.js';

const MAX_ID = 2_147_483_647;

/** Route ids: decimal positive integers in INT range, else 400 VALIDATION naming the parameter. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const id = /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(id) || id > MAX_ID) {
      const field = metadata.data ?? 'id';
      throw new AppError(ErrorCode.VALIDATION, `Invalid ${field}`, {
        fields: { [field]: [`${field} must be a positive integer`] },
      });
    }
    return id;
  }
}
