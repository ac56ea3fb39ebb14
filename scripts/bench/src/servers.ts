/**
 * Starts the two servers under test the same way: MiniMeet as built (node server/dist/main.js)
 * and the baseline (scripts/bench/baseline-server), each pinned with `taskset` to the server CPU
 * when pinning is on, with the same worker count, listen IP and stats interval.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthResponse } from '@minimeet/shared';

export type ServerKind = 'minimeet' | 'baseline';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const MINIMEET_MAIN = path.join(REPO_ROOT, 'server/dist/main.js');
const MINIMEET_ADMIN_CLI = path.join(REPO_ROOT, 'server/dist/cli/admin.js');
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
   * MiniMeet only: run inside a test host (scripts/test-hosts), listening on and announcing its
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

const running = new Set<ChildProcess>();
/** Pids of the servers this process has started and not yet seen exit (their trees are not bots). */
export function serverPids(): number[] {
  return [...running].flatMap((c) => (c.pid ? [c.pid] : []));
}

process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startServer(o: StartServerOptions): Promise<BenchServer> {
  if (o.kind === 'minimeet' && !existsSync(MINIMEET_MAIN)) {
    throw new Error(
      `${MINIMEET_MAIN} not found: build first (npm run build -w shared && npm run build -w server)`,
    );
  }
  const port = o.port ?? (await freePort());
  const rtcMin = 45_000 + Math.floor(Math.random() * 500) * 20;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'minimeet-bench-'));
  if (o.host && o.kind !== 'minimeet') throw new Error('only MiniMeet runs on a test host');
  const address = o.host?.address ?? '127.0.0.1';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: address,
    PORT: String(port),
    MEDIASOUP_WORKERS: String(o.workers),
    MEDIASOUP_LISTEN_IP: address,
    ...(o.host ? { MEDIASOUP_ANNOUNCED_ADDRESS: address } : {}),
    RTC_MIN_PORT: String(rtcMin),
    RTC_MAX_PORT: String(rtcMin + 19),
    ADMIN_STATS_INTERVAL_MS: String(o.statsIntervalMs),
    ...(o.kind === 'minimeet'
      ? {
          NODE_ENV: 'production',
          JWT_SECRET: randomBytes(32).toString('hex'),
          LOG_LEVEL: 'warn',
          DATABASE_URL: o.databaseUrl ?? `sqlite:${path.join(tmp, 'minimeet.sqlite')}`,
          // A run outlasts the default 15-minute access token; the bots do not refresh.
          ACCESS_TOKEN_TTL_SECONDS: '86400',
          // The bots register every user they log in as; the login limit is not what is measured.
          AUTH_RATE_LIMIT: '1000000',
          REST_RATE_LIMIT: '1000000',
        }
      : {}),
    ...o.env,
  };
  if (o.kind === 'minimeet') createMinimeetAdmin(env);
  const args = o.kind === 'minimeet' ? [MINIMEET_MAIN] : ['--import', 'tsx', BASELINE_MAIN];
  const command = [
    ...(o.host?.launcher() ?? []),
    ...(o.cpus ? ['taskset', '-c', o.cpus] : []),
    process.execPath,
    ...args,
  ];
  const [cmd, ...argv] = command as [string, ...string[]];
  const child = spawn(cmd, argv, {
    cwd: o.kind === 'minimeet' ? path.join(REPO_ROOT, 'server') : path.join(REPO_ROOT, 'scripts'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('close', () => {
      exited = true;
      running.delete(child);
      rmSync(tmp, { recursive: true, force: true });
      resolve();
    }),
  );
  const url = `http://${address}:${port}`;
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
    await exit;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${o.kind} server exited during start:\n${out}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${o.kind} server did not answer within 60 s:\n${out}`);
    }
    const ok = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    const admin = await authenticate(url, ADMIN_USERNAME, ADMIN_PASSWORD);
    return {
      kind: o.kind,
      url,
      pid: child.pid!,
      cpus: o.cpus ? cpuList(o.cpus) : null,
      adminToken: admin.accessToken,
      output: () => out,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Admins are made with `npm run admin -- create` (registration cannot); an existing one is fine. */
function createMinimeetAdmin(env: NodeJS.ProcessEnv): void {
  const res = spawnSync(
    process.execPath,
    [MINIMEET_ADMIN_CLI, 'create', ADMIN_USERNAME, '--password-stdin'],
    {
      cwd: path.join(REPO_ROOT, 'server'),
      env,
      input: `${ADMIN_PASSWORD}\n`,
      encoding: 'utf8',
    },
  );
  if (res.status !== 0 && !/already exists/.test(res.stderr)) {
    throw new Error(`creating the bench admin failed: ${res.stderr || res.error?.message}`);
  }
}

/** Registers the user, or logs in when it exists. */
export async function authenticate(url: string, username: string, password: string): Promise<AuthResponse> {
  const post = (route: string) =>
    fetch(`${url}/api/auth/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      signal: AbortSignal.timeout(15_000),
    });
  let res = await post('register');
  if (res.status === 409) res = await post('login');
  if (!res.ok) throw new Error(`auth of ${username} failed: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as AuthResponse;
}

/** "0", "0,2" or "1-3" → CPU numbers. */
export function cpuList(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}
