import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import {
  assertSafeKey,
  ByteLimit,
  type ObjectInfo,
  type ObjectStorage,
  type PutOptions,
  type StoredObject,
} from './object-storage.js';

export interface S3StorageOptions {
  bucket: string;
  /** Prepended to every key ('' or ending in '/'). */
  prefix: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
}

/** S3's smallest multipart part: what a put holds in memory per part in flight. */
const PART_BYTES = 5 * 1024 * 1024;
/** DeleteObjects takes at most this many keys. */
const DELETE_BATCH = 1000;

/**
 * Objects in an S3-compatible bucket (`s3://` STORAGE_URL); credentials from the AWS SDK's
 * default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, instance roles). Puts go
 * through lib-storage's Upload: parts stream out as they fill (a few MB in memory, never the
 * whole file) and the multipart upload completes only when every byte arrived within the limit;
 * on an error or the limit it is aborted, so no partial object becomes visible.
 */
export class S3Storage implements ObjectStorage {
  private readonly client: S3Client;

  constructor(private readonly options: S3StorageOptions) {
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
    });
  }

  async put(key: string, body: Readable, options: PutOptions): Promise<ObjectInfo> {
    const limit = new ByteLimit(options.maxBytes);
    body.on('error', (err) => limit.destroy(err));
    body.pipe(limit);
    const contentType = options.contentType ?? 'application/octet-stream';
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.options.bucket, Key: this.keyOf(key), Body: limit, ContentType: contentType },
      leavePartsOnError: false,
      // At most two 5 MB parts in memory per upload (the SDK's default is four).
      queueSize: 2,
      partSize: PART_BYTES,
    });
    try {
      await upload.done();
    } catch (err) {
      body.unpipe(limit);
      limit.destroy();
      // The error that stopped the stream (the limit) says more than the SDK's wrapper of it.
      throw limit.errored ?? err;
    }
    return { size: limit.bytes, contentType };
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }),
      );
      if (!(res.Body instanceof Readable)) throw new Error('S3 GetObject returned no stream body');
      return {
        body: res.Body,
        size: res.ContentLength ?? 0,
        contentType: res.ContentType ?? 'application/octet-stream',
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    try {
      const res = await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }),
      );
      return { size: res.ContentLength ?? 0, contentType: res.ContentType ?? 'application/octet-stream' };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }));
  }

  async deleteByPrefix(prefix: string): Promise<void> {
    assertSafeKey(prefix.replace(/\/+$/, ''));
    const Prefix = `${this.options.prefix}${prefix}`;
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix, ContinuationToken }),
      );
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.options.bucket,
            Delete: { Objects: keys.slice(i, i + DELETE_BATCH), Quiet: true },
          }),
        );
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /** Closes the SDK's connection pool. */
  close(): void {
    this.client.destroy();
  }

  private keyOf(key: string): string {
    assertSafeKey(key);
    return `${this.options.prefix}${key}`;
  }
}

function isNotFound(err: unknown): boolean {
  return (
    err instanceof S3ServiceException &&
    (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata.httpStatusCode === 404)
  );
}
