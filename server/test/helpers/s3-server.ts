import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/** s3rver's fixed credentials (any client must sign with them). */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

export interface LocalS3 {
  /** STORAGE_URL for the bucket (path-style, on 127.0.0.1). */
  storageUrl: string;
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

/** An S3-compatible server (s3rver) on a free port, with one bucket, in its own temp dir. */
export async function startLocalS3(bucket = 'minimeet-test'): Promise<LocalS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'minimeet-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    storageUrl: `s3://${bucket}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`,
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
