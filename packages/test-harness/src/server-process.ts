/**
 * A server as a child process, the way an operator runs it: started with an environment,
 * ready once it answers HTTP, its output captured, stopped with SIGTERM (SIGKILL if it lingers).
 * Which server it is (MiniMeet as built, the bench's baseline) is the caller's business.
 */
import { spawn } from 'node:child_process';
import { parseLogLines } from './log-lines.js';

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  /** http://<host>:<port> */
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
  /** How it exited; undefined while it runs. */
  exitResult(): ExitResult | undefined;
  /** fetch() relative to `url`, with a 10 s timeout. */
  request(pathname: string, init?: RequestInit): Promise<Response>;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. Idempotent. */
  stop(): Promise<ExitResult>;
}

export interface SpawnOptions {
  /** Arguments to node: the entry script, and loader flags before it. */
  nodeArgs: string[];
  cwd: string;
  /** The complete environment of the process. */
  env: NodeJS.ProcessEnv;
  /**
   * Command prefix that runs node elsewhere or otherwise, e.g. inside a test host
   * (`ip netns exec <ns>`) or pinned to CPUs (`taskset -c 0`).
   */
  launcher?: string[];
  /** Keep only the last this many characters of each output stream (long runs); default: all. */
  keepOutputChars?: number;
  /** Runs once the process is gone (e.g. removes its scratch files). */
  onExit?: () => void;
}

export interface LaunchOptions extends SpawnOptions {
  port: number;
  /** Address the server is reached at. */
  host: string;
  /** How long it may take to answer HTTP (default 30 s). */
  timeoutMs?: number;
  /** 'answering': any HTTP answer on /api/health (default); 'healthy': a 2xx one. */
  readiness?: 'answering' | 'healthy';
  /** SIGKILL this long after SIGTERM (default 5 s). */
  killAfterMs?: number;
}

interface Spawned {
  pid: number;
  exited: Promise<ExitResult>;
  /** The exit, once it happened. */
  result(): ExitResult | undefined;
  kill(signal: NodeJS.Signals): void;
  output(): string;
  stdout(): string;
  stderr(): string;
}

/** Starts node with captured output; a server left running when this process exits is killed. */
export function spawnNode(o: SpawnOptions): Spawned {
  const [command, ...args] = [...(o.launcher ?? []), process.execPath, ...o.nodeArgs];
  const child = spawn(command!, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  // A failed assertion or a crashed run must not leave servers (and their mediasoup workers) behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const keep = (text: string) => (o.keepOutputChars ? text.slice(-o.keepOutputChars) : text);
  let all = '';
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => ((out = keep(out + d)), (all = keep(all + d))));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => ((err = keep(err + d)), (all = keep(all + d))));
  let result: ExitResult | undefined;
  const exited = new Promise<ExitResult>((resolve) => {
    child.once('close', (code, signal) => {
      process.off('exit', killOnExit);
      o.onExit?.();
      result = { code, signal };
      resolve(result);
    });
  });
  return {
    pid: child.pid ?? -1,
    exited,
    result: () => result,
    kill: (signal) => child.kill(signal),
    output: () => all,
    stdout: () => out,
    stderr: () => err,
  };
}

/** Starts a server; resolves once it answers HTTP, rejects (with its output) if it exits or times out first. */
export async function launchServer(o: LaunchOptions): Promise<ServerProcess> {
  const proc = spawnNode(o);
  const url = `http://${o.host}:${o.port}`;
  let stopping: Promise<ExitResult> | undefined;
  const server: ServerProcess = {
    url,
    port: o.port,
    pid: proc.pid,
    output: proc.output,
    stdout: proc.stdout,
    stderr: proc.stderr,
    logLines: () => parseLogLines(proc.stdout()),
    exited: proc.exited,
    exitResult: proc.result,
    request: (pathname, init) => fetch(url + pathname, { signal: AbortSignal.timeout(10_000), ...init }),
    stop() {
      stopping ??= (async () => {
        const done = proc.result();
        if (done) return done;
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), o.killAfterMs ?? 5000);
        const r = await proc.exited;
        clearTimeout(timer);
        return r;
      })();
      return stopping;
    },
  };

  const timeoutMs = o.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const done = proc.result();
    if (done)
      throw new Error(
        `server exited during start (code ${done.code}, signal ${done.signal}):\n${proc.output()}`,
      );
    const answer = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
    if (answer && (o.readiness !== 'healthy' || answer.ok)) return server;
    await answer?.body?.cancel();
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  throw new Error(`server did not start within ${timeoutMs} ms:\n${proc.output()}`);
}

/**
 * Runs a server expecting it to exit on its own (bad configuration, unreachable database…).
 * Kills it and rejects if it still runs after `timeoutMs`.
 */
export async function runToExit(
  o: SpawnOptions,
  timeoutMs: number,
): Promise<ExitResult & { stdout: string; stderr: string }> {
  const proc = spawnNode(o);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
  );
  const result = await Promise.race([proc.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    proc.kill('SIGKILL');
    await proc.exited;
    throw new Error(`server still running after ${timeoutMs} ms:\n${proc.output()}`);
  }
  return { ...result, stdout: proc.stdout(), stderr: proc.stderr() };
}
