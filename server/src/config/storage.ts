import path from 'node:path';
import { z } from 'zod';
import { intInRange, refuse } from './env-fields.js';

const MB = 1024 * 1024;
/** Sizes are stored in INT columns and summed per user: keep one file under 2 GiB. */
const MAX_FILE_BYTES = 2 * 1024 * MB - 1;

/** Where stored objects (attachments, later recordings) live. */
export type StorageTarget =
  | { type: 'file'; dir: string }
  | {
      type: 's3';
      bucket: string;
      /** Key prefix inside the bucket ('' or ending in '/'), from the URL's path. */
      prefix: string;
      endpoint?: string;
      region: string;
      forcePathStyle: boolean;
    };

/**
 * STORAGE_URL → the storage target. Unset: `file:` under the data directory (resolved by the
 * composing schema). A relative `file:` path is resolved against the working directory, like
 * the SQLite file of DATABASE_URL. S3 credentials come from the AWS SDK's usual variables.
 */
const storageUrl = z
  .string()
  .optional()
  .transform((raw, ctx): StorageTarget | undefined => {
    if (!raw) return undefined;
    if (raw.startsWith('file:')) {
      const dir = raw.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
      if (!dir) return refuse(ctx, 'STORAGE_URL: file URL needs a directory, e.g. file:./data/storage');
      return { type: 'file', dir: path.resolve(dir) };
    }
    if (raw.startsWith('s3://')) return parseS3Url(raw, ctx);
    return refuse(
      ctx,
      `STORAGE_URL: unsupported value "${raw.slice(0, 60)}" (expected file:<dir> or s3://bucket?endpoint=…&region=…)`,
    );
  });

function parseS3Url(raw: string, ctx: z.RefinementCtx): StorageTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse(
      ctx,
      'STORAGE_URL: not a valid s3 URL (expected s3://bucket/optional/prefix?endpoint=…&region=…)',
    );
  }
  if (!url.hostname) return refuse(ctx, 'STORAGE_URL: s3 URL needs a bucket, e.g. s3://minimeet-files');
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/]/.test(endpoint))
    return refuse(ctx, 'STORAGE_URL: endpoint must be an http(s) URL, e.g. endpoint=http://minio:9000');
  const prefix = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  return {
    type: 's3',
    bucket: url.hostname,
    prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
    endpoint,
    region: url.searchParams.get('region') ?? process.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: url.searchParams.get('forcePathStyle') === 'true',
  };
}

/** Object storage and chat attachments. */
export const storageEnv = z.object({
  STORAGE_URL: storageUrl,
  ATTACHMENT_MAX_BYTES: intInRange('ATTACHMENT_MAX_BYTES', 25 * MB, 1, MAX_FILE_BYTES),
  ATTACHMENT_QUOTA_BYTES: intInRange('ATTACHMENT_QUOTA_BYTES', 500 * MB, 1, Number.MAX_SAFE_INTEGER),
  ATTACHMENT_UPLOADS_PER_MINUTE: intInRange('ATTACHMENT_UPLOADS_PER_MINUTE', 20, 1, 10_000),
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
});

export const storageSection = storageEnv.transform((e) => ({
  /** Undefined: a directory `storage` under the data directory (see env.schema.ts). */
  target: e.STORAGE_URL,
  attachments: {
    /** Largest file one upload may carry (413 TOO_LARGE past it). */
    maxBytes: e.ATTACHMENT_MAX_BYTES,
    /** Bytes of attachments one user may keep stored (413 QUOTA_EXCEEDED past it). */
    quotaBytes: e.ATTACHMENT_QUOTA_BYTES,
    /** Uploads per user per minute (across nodes with Redis). */
    uploadsPerMinute: e.ATTACHMENT_UPLOADS_PER_MINUTE,
  },
  /** The ffmpeg binary (image thumbnails); missing: no thumbnails, logged once. */
  ffmpegPath: e.FFMPEG_PATH,
}));
