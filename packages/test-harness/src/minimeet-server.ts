/**
 * MiniMeet as built (server/dist/main.js), started with what a test or bench run needs by
 * default: its own port, a fresh SQLite file, media on the address it is reached at.
 * (vitest does not emit decorator metadata, so Nest cannot run from the TS sources.)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withEnv, type EnvOverrides } from './env.js';
import { freePort, randomRtcPortRange } from './ports.js';
import {
  launchServer,
  runToExit,
  type ExitResult,
  type LaunchOptions,
  type ServerProcess,
} from './server-process.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SERVER_ROOT = path.join(REPO_ROOT, 'server');
export const SERVER_MAIN = path.join(SERVER_ROOT, 'dist/main.js');

export interface MinimeetServer extends ServerProcess {
  /** The DATABASE_URL it runs on (e.g. for the admin CLI). */
  databaseUrl: string;
}

export interface StartOptions extends Pick<
  LaunchOptions,
  'timeoutMs' | 'readiness' | 'killAfterMs' | 'keepOutputChars'
> {
  /** Applied over the defaults; `undefined` removes a variable. */
  env?: EnvOverrides;
  /** Command prefix that runs node elsewhere, e.g. inside a test host (`ip netns exec <ns>`). */
  launcher?: string[];
  /** Address the server listens on and is reached at (default 127.0.0.1). */
  host?: string;
  /** PORT to listen on (default: a free one); a restarted node keeps its address this way. */
  port?: number;
}

/**
 * Defaults: NODE_ENV=test, HOST and MEDIASOUP_LISTEN_IP = `host`, PORT, a random RTC port
 * range, a SQLite file in a scratch directory (removed when the process exits), the per-address
 * socket caps lifted, and no drain on SIGTERM (SHUTDOWN_GRACE_MS=0).
 */
function minimeetProcess(overrides: EnvOverrides, port: number, host: string) {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} not found: build first (npm run build)`);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'minimeet-server-'));
  const env = withEnv(
    process.env,
    {
      NODE_ENV: 'test',
      HOST: host,
      PORT: String(port),
      DATABASE_URL: `sqlite:${path.join(scratch, 'minimeet.sqlite')}`,
      MEDIASOUP_LISTEN_IP: host,
      ...randomRtcPortRange(),
      // Every test client connects from the same loopback address, unlike real users: the caps
      // per address would count a whole test file as one client (tests of those caps set their own).
      MAX_SOCKETS_PER_IP: '100000',
      SOCKET_HANDSHAKES_PER_MINUTE: '100000',
      // stop() is SIGTERM: no drain wait for clients that would move (tests of the drain set it).
      SHUTDOWN_GRACE_MS: '0',
    },
    overrides,
  );
  return {
    nodeArgs: [SERVER_MAIN],
    cwd: SERVER_ROOT,
    env,
    onExit: () => rmSync(scratch, { recursive: true, force: true }),
  };
}

/** Starts the built server; resolves once it answers HTTP, rejects (with its output) if it exits first. */
export async function startServer(opts: StartOptions = {}): Promise<MinimeetServer> {
  const port = opts.port ?? (await freePort());
  const host = opts.host ?? '127.0.0.1';
  const spawned = minimeetProcess(opts.env ?? {}, port, host);
  const server = await launchServer({ ...opts, ...spawned, port, host });
  return Object.assign(server, { databaseUrl: spawned.env.DATABASE_URL! });
}

/**
 * Runs the built server expecting it to exit on its own (bad configuration, unreachable
 * database…). Kills it and rejects if it still runs after `timeoutMs`.
 */
export async function runServerToExit(
  env: EnvOverrides,
  timeoutMs = 30_000,
): Promise<ExitResult & { stdout: string; stderr: string }> {
  return runToExit(minimeetProcess(env, await freePort(), '127.0.0.1'), timeoutMs);
}
