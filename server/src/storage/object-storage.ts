import { Transform, type Readable, type TransformCallback } from 'node:stream';

/** Injection token for the ObjectStorage chosen by STORAGE_URL. */
export const OBJECT_STORAGE = Symbol('OBJECT_STORAGE');

export interface PutOptions {
  /** Refuse (StorageLimitError) once more bytes than this arrive; nothing is stored then. */
  maxBytes: number;
  contentType?: string;
}

export interface ObjectInfo {
  size: number;
  contentType: string;
}

export interface StoredObject extends ObjectInfo {
  /** The bytes; the caller reads or destroys it. */
  body: Readable;
}

/**
 * Byte storage by key (`attachments/room-1/<id>`; slash-separated prefixes group what is deleted
 * together). Everything streams: nothing holds a whole object in memory. A put is all or
 * nothing: until it resolves, `get`/`stat` do not see the key (a failed or over-limit put leaves
 * nothing behind). Keys are made by the server, never taken from clients.
 */
export interface ObjectStorage {
  /** Stores the stream under the key (replacing any object there); resolves with its size. */
  put(key: string, body: Readable, options: PutOptions): Promise<ObjectInfo>;
  /** The object, or null when the key holds none. */
  get(key: string): Promise<StoredObject | null>;
  stat(key: string): Promise<ObjectInfo | null>;
  /** Deletes the object; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with the prefix (which should end in '/'). */
  deleteByPrefix(prefix: string): Promise<void>;
}

/** A put that carried more than its maxBytes: nothing was stored. */
export class StorageLimitError extends Error {
  override name = 'StorageLimitError';
  constructor(readonly maxBytes: number) {
    super(`more than ${maxBytes} bytes`);
  }
}

/** Passes bytes through, failing with StorageLimitError once more than `maxBytes` went by. */
export class ByteLimit extends Transform {
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) done(new StorageLimitError(this.maxBytes));
    else done(null, chunk);
  }
}

/** Keys are server-made; this refuses anything that could escape a prefix or a directory. */
export function assertSafeKey(key: string): void {
  if (
    !key ||
    key.startsWith('/') ||
    key.split('/').some((part) => part === '' || part === '.' || part === '..')
  ) {
    throw new Error(`unsafe storage key: ${key}`);
  }
}
