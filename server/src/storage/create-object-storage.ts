import type { StorageTarget } from '../config/env.schema.js';
import { FileStorage } from './file-storage.js';
import type { ObjectStorage } from './object-storage.js';
import { S3Storage } from './s3-storage.js';

/** The backend a STORAGE_URL names. */
export function createObjectStorage(target: StorageTarget): ObjectStorage {
  return target.type === 'file' ? new FileStorage(target.dir) : new S3Storage(target);
}
