/**
 * End-to-end harness: the built client against the real built server, driven by Debian's
 * Chromium through playwright-core with fake media devices.
 *
 * startStack() builds the client (unless E2E_SKIP_BUILD=1), starts server/dist/main.js on a free
 * port with a fresh SQLite file and CLIENT_DIST_DIR=client/dist. Until the server serves the
 * client itself, a Vite preview server fronts it (static client + /api and /socket.io proxied).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthResponse, RoomDto } from '@minimeet/shared';
import type { Browser, Page } from 'playwright-core';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  launchBrowser,
  openSignedInPage,
  type UserPage,
} from '@minimeet/test-hosts/chromium-pages';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CLIENT_DIR = path.resolve(here, '..');
export const REPO_DIR = path.resolve(CLIENT_DIR, '..');
export const CLIENT_DIST = path.join(CLIENT_DIR, 'dist');
export const ARTIFACTS_DIR = path.join(REPO_DIR, 'test-artifacts', 'e2e');
const SERVER_MAIN = path.join(REPO_DIR, 'server', 'dist', 'main.js');
const ADMIN_CLI = path.join(REPO_DIR, 'server', 'dist', 'cli', 'admin.js');

export { CHROMIUM_ARGS, CHROMIUM_PATH, launchBrowser, type UserPage };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, ok: (res: Response) => boolean | Promise<boolean>, timeoutMs: number, alive: () => boolean, what: string, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`${what} exited during start:\n${output()}`);
    try {
      const res = await fetch(url);
      if (await ok(res)) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what} did not start within ${timeoutMs} ms:\n${output()}`);
}

export interface Stack {
  /** Where browsers go (the server itself when it serves the client, else the preview). */
  baseUrl: string;
  /** The API server. */
  apiUrl: string;
  /** The server's DATABASE_URL (for `npm run admin`). */
  databaseUrl: string;
  serverOutput(): string;
  stop(): Promise<void>;
}

export function buildClient(): void {
  if (process.env.E2E_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, [path.join(REPO_DIR, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: CLIENT_DIR,
    stdio: 'inherit',
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/** Where the server runs when not in this process's network: a test host (scripts/test-hosts). */
export interface StackHost {
  /** Command prefix that runs node inside the host. */
  launcher(): string[];
  /** The host's address: the server listens, and the SFU announces, on it. */
  address: string;
}

export async function startStack(opts: { env?: Record<string, string>; host?: StackHost } = {}): Promise<Stack> {
  buildClient();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'minimeet-e2e-'));
  const port = await freePort();
  const databaseUrl = `sqlite:${path.join(dataDir, 'e2e.sqlite')}`;
  // A private RTC port range so parallel server tests do not collide.
  const rtcBase = 42000 + Math.floor(Math.random() * 200) * 10;
  const address = opts.host?.address ?? '127.0.0.1';
  const [command, ...args] = [...(opts.host?.launcher() ?? []), process.execPath, SERVER_MAIN];
  const child = spawn(command!, args, {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      HOST: address,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e',
      AUTH_RATE_LIMIT: '1000',
      CHAT_RATE_LIMIT: '1000',
      MEDIASOUP_WORKERS: '1',
      MEDIASOUP_LISTEN_IP: address,
      MEDIASOUP_ANNOUNCED_ADDRESS: address,
      RTC_MIN_PORT: String(rtcBase),
      RTC_MAX_PORT: String(rtcBase + 9),
      CLIENT_DIST_DIR: CLIENT_DIST,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let running = true;
  const exited = new Promise<void>((r) => child.once('exit', () => ((running = false), r())));
  const apiUrl = `http://${address}:${port}`;
  const stopServer = async () => {
    if (running) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitFor(`${apiUrl}/api/health`, () => true, 30_000, () => running, 'server', () => out);
  } catch (err) {
    await stopServer();
    throw err;
  }

  const root = await fetch(`${apiUrl}/`).catch(() => null);
  const servesClient = !!root && root.ok && (root.headers.get('content-type') ?? '').includes('text/html');
  if (servesClient) return { baseUrl: apiUrl, apiUrl, databaseUrl, serverOutput: () => out, stop: stopServer };

  // The server does not serve the client yet: a Vite preview in front of it.
  const { preview } = await import('vite');
  const previewPort = await freePort();
  const server = await preview({
    root: CLIENT_DIR,
    configFile: path.join(CLIENT_DIR, 'vite.config.ts'),
    logLevel: 'warn',
    preview: {
      host: '127.0.0.1',
      port: previewPort,
      strictPort: true,
      proxy: {
        '/api': { target: apiUrl, changeOrigin: true },
        '/socket.io': { target: apiUrl, ws: true, changeOrigin: true },
      },
    },
  });
  return {
    baseUrl: `http://127.0.0.1:${previewPort}`,
    apiUrl,
    databaseUrl,
    serverOutput: () => out,
    async stop() {
      await server.close();
      await stopServer();
    },
  };
}

let userCounter = 0;
export function uniqueUsername(prefix = 'e2e'): string {
  userCounter += 1;
  return `${prefix}_${process.pid % 1000}_${userCounter}_${Math.random().toString(36).slice(2, 5)}`.slice(0, 32);
}

export const E2E_PASSWORD = 'correct horse battery';

async function api<T>(apiUrl: string, method: string, p: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(`${apiUrl}/api${p}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export function registerUser(stack: Stack, username = uniqueUsername()): Promise<AuthResponse> {
  return api<AuthResponse>(stack.apiUrl, 'POST', '/auth/register', { username, password: E2E_PASSWORD });
}

/**
 * An admin account, made the only way there is (`npm run admin -- create`), then signed in.
 * The CLI runs asynchronously: a synchronous run blocks this process's event loop for seconds,
 * so fetch cannot retire its idle keep-alive sockets while the server times them out, and the
 * login then goes out on a socket the server has just closed ("other side closed").
 */
export async function createAdmin(stack: Stack, username = uniqueUsername('admin')): Promise<AuthResponse> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [ADMIN_CLI, 'create', username, '--password-stdin'],
      { env: { ...process.env, DATABASE_URL: stack.databaseUrl } },
      (err, _stdout, stderr) => (err ? reject(new Error(`admin create: ${stderr || err.message}`)) : resolve()),
    );
    child.stdin?.end(`${E2E_PASSWORD}\n`);
  });
  return api<AuthResponse>(stack.apiUrl, 'POST', '/auth/login', { username, password: E2E_PASSWORD });
}

export function createRoom(stack: Stack, token: string, name: string, maxParticipants?: number): Promise<RoomDto> {
  return api<RoomDto>(stack.apiUrl, 'POST', '/rooms', maxParticipants ? { name, maxParticipants } : { name }, token);
}

/** A page of the stack's app signed in as `user`, in its own browser context. */
export function openUserPage(
  browser: Browser,
  stack: Stack,
  user: AuthResponse,
  opts: { path?: string; viewport?: { width: number; height: number } } = {},
): Promise<UserPage> {
  return openSignedInPage(browser, stack.baseUrl, user, opts);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
