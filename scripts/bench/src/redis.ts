/**
 * The local Redis the cluster and soak phases use, reached without a client library (the
 * scripts package has none and needs only this): PING over a plain socket, keys through redis-cli.
 */
import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';

export const BENCH_REDIS = { host: '127.0.0.1', port: 6379 } as const;
export const BENCH_REDIS_URL = `redis://${BENCH_REDIS.host}:${BENCH_REDIS.port}`;

const CLI = ['-h', BENCH_REDIS.host, '-p', String(BENCH_REDIS.port)];

/** True when Redis answers PING within 2 s. */
export function redisAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(BENCH_REDIS);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** The keys under `prefix` (SCAN, so a big keyspace is not blocked); throws when redis-cli fails. */
export function redisKeys(prefix: string): string[] {
  const scan = spawnSync('redis-cli', [...CLI, '--scan', '--pattern', `${prefix}*`], { encoding: 'utf8' });
  if (scan.status !== 0) throw new Error(`redis-cli --scan: ${scan.error?.message ?? scan.stderr}`);
  return scan.stdout.split('\n').filter(Boolean);
}

/** Deletes the run's keys with redis-cli; returns a note when some may be left. */
export function deleteRedisKeys(prefix: string): string | null {
  let keys: string[];
  try {
    keys = redisKeys(prefix);
  } catch (err) {
    return `Redis keys under ${prefix}* not deleted (${err instanceof Error ? err.message : String(err)})`;
  }
  for (let i = 0; i < keys.length; i += 500) {
    const del = spawnSync('redis-cli', [...CLI, 'DEL', ...keys.slice(i, i + 500)], { encoding: 'utf8' });
    if (del.status !== 0) return `Redis keys under ${prefix}* not all deleted (${del.stderr})`;
  }
  return null;
}
