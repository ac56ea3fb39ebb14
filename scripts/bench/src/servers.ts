/**
 * Starts the two servers under test the same way, through @minimeet/test-harness: MiniMeet as
 * built (node server/dist/main.js) and the baseline (scripts/bench/baseline-server), each pinned
 * with `taskset` to the server CPU when pinning is on, with the same worker count, listen IP and
 * stats interval, and an admin signed in for GET /api/admin/stats.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  authenticate,
  createAdmin,
  freePort,
  launchServer,
  randomRtcPortRange,
  REPO_ROOT,
  startServer as startMinimeet,
  withEnv,
  type EnvOverrides,
  type LaunchOptions,
  type ServerProcess,
} from '@minimeet/test-harness';

export type ServerKind = 'minimeet' | 'baseline';

const BASELINE_MAIN = path.join(REPO_ROOT, 'scripts/bench/baseline-server/main.ts');

export const ADMIN_USERNAME = 'benchadmin';
export const ADMIN_PASSWORD = 'bench-admin-password';

export interface StartServerOptions {
  kind: ServerKind;
  /** taskset CPU list for the server and its workers (null: no pinning). */
  cpus: string | null;
  workers: number;
  statsIntervalMs: number;
  /** MiniMeet only: DATABASE_URL (default: a fresh SQLite file). */
  databaseUrl?: string;
  /**
   * Extra environment, applied last (e.g. chat rate limits; for a cluster node REDIS_URL,
   * JWT_SECRET shared by the nodes, CLUSTER_NODE_ID and its own RTC / pipe port ranges).
   */
  env?: Record<string, string>;
  /**
   * MiniMeet only: run inside a test host (packages/test-hosts), listening on and announcing its
   * address (default: this machine's 127.0.0.1).
   */
  host?: { launcher(): string[]; address: string };
  /** HTTP port (default: a free one picked by the OS). */
  port?: number;
}

export interface BenchServer {
  kind: ServerKind;
  url: string;
  pid: number;
  /** CPUs it is pinned to (null: not pinned). */
  cpus: number[] | null;
  /** Token of an admin user (GET /api/admin/stats). */
  adminToken: string;
  output(): string;
  stop(): Promise<void>;
}

/** How both kinds run: ready when /api/health says ok, output bounded (long runs), 8 s to stop. */
const RUN = { timeoutMs: 60_000, readiness: 'healthy', killAfterMs: 8000, keepOutputChars: 20_000 } as const;

export async function startServer(o: StartServerOptions): Promise<BenchServer> {
  if (o.host && o.kind !== 'minimeet') throw new Error('only MiniMeet runs on a test host');
  const host = o.host?.address ?? '127.0.0.1';
  const port = o.port ?? (await freePort());
  const launcher = [...(o.host?.launcher() ?? []), ...(o.cpus ? ['taskset', '-c', o.cpus] : [])];
  const env: Record<string, string> = {
    MEDIASOUP_WORKERS: String(o.workers),
    ...(o.host ? { MEDIASOUP_ANNOUNCED_ADDRESS: host } : {}),
    ADMIN_STATS_INTERVAL_MS: String(o.statsIntervalMs),
  };
  const server =
    o.kind === 'minimeet'
      ? await startMinimeetWithAdmin(
          { ...RUN, port, host, launcher },
          { ...env, ...minimeetEnv(o), ...o.env },
        )
      : await startBaseline({ ...RUN, port, host, launcher, env: { ...env, ...o.env } });
  try {
    const admin = await authenticate(server.url, ADMIN_USERNAME, ADMIN_PASSWORD);
    return {
      kind: o.kind,
      url: server.url,
      pid: server.pid,
      cpus: o.cpus ? cpuList(o.cpus) : null,
      adminToken: admin.accessToken,
      output: server.output,
      stop: async () => void (await server.stop()),
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

function minimeetEnv(o: StartServerOptions): Record<string, string> {
  return {
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    // A run outlasts the default 15-minute access token; the bots do not refresh.
    ACCESS_TOKEN_TTL_SECONDS: '86400',
    // The bots register every user they log in as; the login limit is not what is measured.
    AUTH_RATE_LIMIT: '1000000',
    REST_RATE_LIMIT: '1000000',
    // Every bot connects from this machine's address.
    MAX_SOCKETS_PER_IP: '1000000',
    SOCKET_HANDSHAKES_PER_MINUTE: '1000000',
  };
}

/**
 * The baseline server (scripts/bench/baseline-server, run from its TS source with tsx), on a
 * free port and a random RTC port range unless `port` / `env` say otherwise.
 */
export async function startBaseline(
  o: Partial<Omit<LaunchOptions, 'nodeArgs' | 'cwd' | 'env'>> & { env?: EnvOverrides } = {},
): Promise<ServerProcess> {
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? (await freePort());
  return launchServer({
    readiness: 'healthy',
    ...o,
    port,
    host,
    nodeArgs: ['--import', 'tsx', BASELINE_MAIN],
    cwd: path.join(REPO_ROOT, 'scripts'),
    env: withEnv(
      process.env,
      { HOST: host, PORT: String(port), MEDIASOUP_LISTEN_IP: host, ...randomRtcPortRange() },
      o.env ?? {},
    ),
  });
}

/**
 * Admins are made with `npm run admin -- create` (registration cannot); on a database shared
 * by cluster nodes the first node's admin is fine for the next.
 */
async function startMinimeetWithAdmin(
  run: Parameters<typeof startMinimeet>[0],
  env: Record<string, string>,
): Promise<ServerProcess> {
  const server = await startMinimeet({ ...run, env });
  try {
    await createAdmin(server.databaseUrl, ADMIN_USERNAME, ADMIN_PASSWORD, { env, existingIsFine: true });
    return server;
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** "0", "0,2" or "1-3" → CPU numbers. */
export function cpuList(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}
