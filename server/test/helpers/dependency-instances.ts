/**
 * A MariaDB or Redis of the test's own (own data directory, port and socket), so an outage test
 * can kill it (-9), freeze it (SIGSTOP) and start it again on the same port and data.
 * `startMariadb` / `startRedis` resolve to a `{ skip }` reason when the binary is missing, so
 * the test can say why it skips.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, onMysqlServer, waitFor } from '@minimeet/test-harness';

export interface DependencyInstance {
  port: number;
  /** True while its process runs (also while frozen). */
  readonly running: boolean;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
  /** SIGSTOP: the port still accepts connections, nothing answers. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** Starts it again on the same port and data (after kill), resolved once it answers. */
  restart(): Promise<void>;
  /** Kills it and removes its files. */
  close(): Promise<void>;
}

export interface MariadbInstance extends DependencyInstance {
  /** DATABASE_URL of a database created on it for the test. */
  databaseUrl: string;
}

export type Skipped = { skip: string };

/** `which`, without a shell. */
function findBinary(name: string, extraDirs: string[] = []): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (spawnSync('test', ['-x', candidate]).status === 0) return candidate;
  }
  return null;
}

/** One daemon process, restartable with the same arguments. */
class Daemon implements DependencyInstance {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #output = '';

  constructor(
    readonly port: number,
    private readonly binary: string,
    private readonly args: string[],
    private readonly ready: () => Promise<boolean>,
    private readonly dir: string,
  ) {}

  get running(): boolean {
    return this.#child !== undefined;
  }

  async start(): Promise<void> {
    const child = spawn(this.binary, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    this.#exited = new Promise((resolve) =>
      child.once('exit', () => {
        process.off('exit', killOnExit);
        if (this.#child === child) this.#child = undefined;
        resolve();
      }),
    );
    const state = await waitFor(
      async () => {
        if (!this.#child) return 'exited';
        return (await this.ready()) ? 'ready' : undefined;
      },
      30_000,
      100,
    );
    if (state === 'exited') throw new Error(`${path.basename(this.binary)} exited: ${this.#output}`);
  }

  async kill(): Promise<void> {
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  freeze(): void {
    this.#child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.#child?.kill('SIGCONT');
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async close(): Promise<void> {
    this.thaw();
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A TCP connection to the port answers `probe` with something starting with `expect`. */
function answers(port: number, probe: string, expect: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.length >= expect.length) done(data.startsWith(expect));
    });
    if (probe) socket.once('connect', () => socket.write(probe));
  });
}

/**
 * A fresh MariaDB (mariadb-install-db into a temp dir, then mariadbd as root on its own port
 * and socket) with an empty database `minimeet` for the server.
 */
export async function startMariadb(): Promise<MariadbInstance | Skipped> {
  const sbin = ['/usr/sbin', '/usr/local/sbin'];
  const mariadbd = findBinary('mariadbd', sbin) ?? findBinary('mysqld', sbin);
  const installDb = findBinary('mariadb-install-db', sbin) ?? findBinary('mysql_install_db', sbin);
  if (!mariadbd || !installDb) return { skip: 'mariadbd / mariadb-install-db not installed' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'minimeet-mariadb-'));
  const datadir = path.join(dir, 'data');
  const install = spawnSync(
    installDb,
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      '--user=root',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (install.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `mariadb-install-db failed: ${(install.stderr || install.stdout || '').slice(-500)}` };
  }
  const port = await freePort();
  const serverUrl = `mysql://root@127.0.0.1:${port}`;
  const daemon = new Daemon(
    port,
    mariadbd,
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${path.join(dir, 'mysqld.sock')}`,
      `--pid-file=${path.join(dir, 'mysqld.pid')}`,
      `--log-error=${path.join(dir, 'error.log')}`,
      '--user=root',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
    ],
    () =>
      onMysqlServer((conn) => conn.query('SELECT 1'), serverUrl).then(
        () => true,
        () => false,
      ),
    dir,
  );
  try {
    await daemon.start();
    await onMysqlServer(
      (conn) => conn.query('CREATE DATABASE minimeet CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'),
      serverUrl,
    );
  } catch (err) {
    await daemon.close();
    return { skip: `mariadbd did not start: ${err instanceof Error ? err.message : String(err)}` };
  }
  return Object.assign(daemon, { databaseUrl: `${serverUrl}/minimeet` });
}

/** A redis-server on its own port, persisting nothing (a restart starts empty, as after a crash). */
export async function startRedis(): Promise<(DependencyInstance & { url: string }) | Skipped> {
  const binary = findBinary('redis-server', ['/usr/sbin', '/usr/local/bin']);
  if (!binary) return { skip: 'redis-server not installed' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'minimeet-redis-'));
  const port = await freePort();
  const daemon = new Daemon(
    port,
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    () => answers(port, 'PING\r\n', '+PONG'),
    dir,
  );
  try {
    await daemon.start();
  } catch (err) {
    await daemon.close();
    return { skip: `redis-server did not start: ${err instanceof Error ? err.message : String(err)}` };
  }
  return Object.assign(daemon, { url: `redis://127.0.0.1:${port}` });
}
