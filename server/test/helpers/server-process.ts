/**
 * Runs the real built server (server/dist/main.js) as a child process, the way an operator
 * would, so tests see what users see: HTTP answers, exit codes, stderr, log lines.
 * (vitest does not emit decorator metadata, so Nest cannot run from the TS sources.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SERVER_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(SERVER_ROOT, 'dist/main.js');

/** Env overrides; `undefined` removes a variable inherited from the test process. */
export type EnvOverrides = Record<string, string | undefined>;

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  /** http://127.0.0.1:<port> (or the `host` it was started with) */
  url: string;
  port: number;
  pid: number;
  /** Everything the process printed so far (stdout + stderr, interleaved). */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** stdout parsed as pino JSON lines. */
  logLines(): Array<Record<string, unknown>>;
  /** Settles when the process has exited, whoever ended it. */
  exited: Promise<ExitResult>;
  /** fetch() relative to `url`, with a 10 s timeout. */
  request(pathname: string, init?: RequestInit): Promise<Response>;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. Idempotent. */
  stop(): Promise<ExitResult>;
}

export interface StartOptions {
  env?: EnvOverrides;
  /**
   * Command prefix that runs node elsewhere, e.g. inside a test host (`ip netns exec <ns>`);
   * then `host` is the address the server is reached at (default 127.0.0.1).
   */
  launcher?: string[];
  host?: string;
  /** How long the server may take to answer HTTP (default 30 s). */
  timeoutMs?: number;
  /** PORT to listen on (default: a free one); a restarted node keeps its address this way. */
  port?: number;
}

const children = new Set<ChildProcess>();
// A failed assertion must not leave servers (and their mediasoup workers) running.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
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

/** A random 20-port RTC range, so servers started side by side rarely meet (the pool skips busy ports anyway). */
export function randomRtcPortRange(): { RTC_MIN_PORT: string; RTC_MAX_PORT: string } {
  const min = 42_000 + Math.floor(Math.random() * 700) * 20;
  return { RTC_MIN_PORT: String(min), RTC_MAX_PORT: String(min + 19) };
}

/**
 * Defaults: NODE_ENV=test, HOST=127.0.0.1, a free PORT, media on 127.0.0.1 with a random
 * RTC port range, and a SQLite file in a temp dir unless DATABASE_URL is given.
 */
function launch(overrides: EnvOverrides, port: number, launcher: string[] = []) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'minimeet-server-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: `sqlite:${path.join(tmp, 'minimeet.sqlite')}`,
    MEDIASOUP_LISTEN_IP: '127.0.0.1',
    ...randomRtcPortRange(),
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const [command, ...args] = [...launcher, process.execPath, MAIN];
  const child = spawn(command!, args, { cwd: SERVER_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let all = '';
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => ((out += d), (all += d)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => ((err += d), (all += d)));
  const exited = new Promise<ExitResult>((resolve) => {
    child.once('close', (code, signal) => {
      children.delete(child);
      rmSync(tmp, { recursive: true, force: true });
      resolve({ code, signal });
    });
  });
  return { child, exited, output: () => all, stdout: () => out, stderr: () => err };
}

/** Starts the built server with env overrides; resolves once it answers HTTP, rejects (with its output) if it exits first. */
export async function startServer(opts: StartOptions = {}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const { child, exited, output, stdout, stderr } = launch(opts.env ?? {}, port, opts.launcher);
  let result: ExitResult | undefined;
  void exited.then((r) => (result = r));
  let stopping: Promise<ExitResult> | undefined;

  const url = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  const server: ServerProcess = {
    url,
    port,
    pid: child.pid ?? -1,
    output,
    stdout,
    stderr,
    logLines: () => parseLogLines(stdout()),
    exited,
    request: (pathname, init) => fetch(url + pathname, { signal: AbortSignal.timeout(10_000), ...init }),
    stop() {
      stopping ??= (async () => {
        if (result) return result;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        const r = await exited;
        clearTimeout(timer);
        return r;
      })();
      return stopping;
    },
  };

  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (result)
      throw new Error(
        `server exited during start (code ${result.code}, signal ${result.signal}):\n${output()}`,
      );
    try {
      await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      return server; // any HTTP answer: it is listening
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await server.stop();
  throw new Error(`server did not start within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Runs the server expecting it to exit on its own (bad configuration, unreachable
 * database…). Kills it and rejects if it still runs after `timeoutMs`.
 */
export async function runServerToExit(
  env: EnvOverrides,
  timeoutMs = 30_000,
): Promise<ExitResult & { stdout: string; stderr: string }> {
  const { child, exited, output, stdout, stderr } = launch(env, await freePort());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
  );
  const result = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`server still running after ${timeoutMs} ms:\n${output()}`);
  }
  return { ...result, stdout: stdout(), stderr: stderr() };
}

export function parseLogLines(text: string): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line still being written
    }
  }
  return lines;
}

/** Calls `probe` every `intervalMs` until it returns something other than undefined; throws after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `condition not met within ${timeoutMs} ms${lastError ? ` (last error: ${String(lastError)})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
