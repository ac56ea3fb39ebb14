/**
 * End-to-end harness: the built client against the real built server, driven by Debian's
 * Chromium through playwright-core with fake media devices.
 *
 * startStack() builds the client (unless E2E_SKIP_BUILD=1), starts server/dist/main.js on a free
 * port with a fresh SQLite file and CLIENT_DIST_DIR=client/dist (@minimeet/test-harness). Until
 * the server serves the client itself, a Vite preview server fronts it (static client + /api and
 * /socket.io proxied).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthResponse, RoomDto } from '@minimeet/shared';
import { createAdmin as createAdminAccount, freePort, startServer } from '@minimeet/test-harness';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  launchBrowser,
  openSignedInPage,
  passPreJoin,
  type UserPage,
} from '@minimeet/test-hosts/chromium-pages';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CLIENT_DIR = path.resolve(here, '..');
export const REPO_DIR = path.resolve(CLIENT_DIR, '..');
export const CLIENT_DIST = path.join(CLIENT_DIR, 'dist');
export const ARTIFACTS_DIR = path.join(REPO_DIR, 'test-artifacts', 'e2e');

export { CHROMIUM_ARGS, CHROMIUM_PATH, launchBrowser, passPreJoin, type UserPage };

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

/** Where the server runs when not in this process's network: a test host (packages/test-hosts). */
export interface StackHost {
  /** Command prefix that runs node inside the host. */
  launcher(): string[];
  /** The host's address: the server listens, and the SFU announces, on it. */
  address: string;
}

export async function startStack(opts: { env?: Record<string, string>; host?: StackHost } = {}): Promise<Stack> {
  buildClient();
  const address = opts.host?.address ?? '127.0.0.1';
  const backend = await startServer({
    host: address,
    ...(opts.host ? { launcher: opts.host.launcher() } : {}),
    env: {
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e',
      AUTH_RATE_LIMIT: '1000',
      CHAT_RATE_LIMIT: '1000',
      MEDIASOUP_WORKERS: '1',
      MEDIASOUP_ANNOUNCED_ADDRESS: address,
      CLIENT_DIST_DIR: CLIENT_DIST,
      ...opts.env,
    },
  });
  const apiUrl = backend.url;
  const { databaseUrl } = backend;
  const out = backend.output;
  const stopServer = async () => void (await backend.stop());

  const root = await fetch(`${apiUrl}/`).catch(() => null);
  const servesClient = !!root && root.ok && (root.headers.get('content-type') ?? '').includes('text/html');
  if (servesClient) return { baseUrl: apiUrl, apiUrl, databaseUrl, serverOutput: out, stop: stopServer };

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
    serverOutput: out,
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
  await createAdminAccount(stack.databaseUrl, username, E2E_PASSWORD);
  return api<AuthResponse>(stack.apiUrl, 'POST', '/auth/login', { username, password: E2E_PASSWORD });
}

export function createRoom(
  stack: Stack,
  token: string,
  name: string,
  maxParticipants?: number,
  extra: { kind?: RoomDto['kind'] } = {},
): Promise<RoomDto> {
  return api<RoomDto>(stack.apiUrl, 'POST', '/rooms', { name, ...(maxParticipants ? { maxParticipants } : {}), ...extra }, token);
}

/**
 * A page of the stack's app signed in as `user`, in its own browser context. A room link goes
 * through the pre-join screen into the call (mic and camera on) unless `join: false`.
 */
export function openUserPage(
  browser: Browser,
  stack: Stack,
  user: AuthResponse,
  opts: { path?: string; viewport?: { width: number; height: number }; join?: boolean } = {},
): Promise<UserPage> {
  return openSignedInPage(browser, stack.baseUrl, user, opts);
}

/**
 * A browser with no account and no stored session (someone opening a guest link), camera and
 * mic allowed, at `path`; its context is the caller's to close.
 */
export async function openSignedOutPage(
  browser: Browser,
  stack: Stack,
  path: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport, permissions: ['camera', 'microphone'] });
  await context.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}${path}`);
  return { page, context };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The stack and browser a describe block shares, and the pages its tests open (closed after it). */
export interface BrowserStack {
  readonly stack: Stack;
  readonly browser: Browser;
  /** Pages the tests opened; their contexts are closed in afterAll. */
  readonly pages: UserPage[];
}

/**
 * Registers the describe block's beforeAll (start the stack, launch Chromium) and afterAll (close
 * the pages' contexts, the browser, the stack). Read `stack` / `browser` inside tests only.
 */
export function useBrowserStack(opts: Parameters<typeof startStack>[0] = {}): BrowserStack {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const pages: UserPage[] = [];
  beforeAll(async () => {
    stack = await startStack(opts);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const p of pages) await p.context.close().catch(() => {});
    await browser?.close();
    await stack?.stop();
  });
  return {
    get stack() {
      if (!stack) throw new Error('the stack is not started (read it inside a test)');
      return stack;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not launched (read it inside a test)');
      return browser;
    },
    pages,
  };
}

/** Whether `username`'s camera tile on `page` shows video whose time advances over a second. */
export async function cameraAdvancing(page: Page, username: string): Promise<boolean> {
  const sel = `figure[data-user="${username}"][data-source="camera"] video`;
  const state = () =>
    page.evaluate((s) => {
      const v = document.querySelector<HTMLVideoElement>(s);
      return { width: v?.videoWidth ?? 0, time: v?.currentTime ?? 0 };
    }, sel);
  const before = await state();
  await page.waitForTimeout(1000);
  const after = await state();
  return after.width > 0 && after.time > before.time;
}
