/**
 * Debian's Chromium driven by playwright-core with fake media devices, and MiniMeet pages signed
 * in as a user: shared by the browser e2e tests (client/e2e/harness.ts) and the network benchmark
 * (scripts/bench), which both put browsers on test hosts.
 */
import type { AuthResponse } from '@minimeet/shared';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { fakeCameraClip } from './fake-camera.js';
import { cameraVideo, videoState } from './page-media.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-background-networking',
];

/**
 * Chromium with fake media. `executablePath` may be a wrapper that runs Chromium elsewhere (a test
 * host); `secureOrigin` lets an http:// origin other than localhost use getUserMedia; `cameraClip`
 * replaces the default fake camera clip.
 */
export function launchBrowser(
  opts: { executablePath?: string; secureOrigin?: string; cameraClip?: string } = {},
): Promise<Browser> {
  const args = [...CHROMIUM_ARGS, `--use-file-for-fake-video-capture=${opts.cameraClip ?? fakeCameraClip()}`];
  if (opts.secureOrigin) args.push(`--unsafely-treat-insecure-origin-as-secure=${opts.secureOrigin}`);
  return chromium.launch({ executablePath: opts.executablePath ?? CHROMIUM_PATH, args, headless: true });
}

export interface UserPage {
  page: Page;
  context: BrowserContext;
  user: AuthResponse;
  /** console.error / pageerror messages seen on this page. */
  errors: string[];
}

/**
 * A page of the app at `baseUrl` signed in as `user` (session put in localStorage before the app
 * loads), in its own browser context so each page is an independent participant.
 */
export async function openSignedInPage(
  browser: Browser,
  baseUrl: string,
  user: AuthResponse,
  opts: {
    path?: string;
    viewport?: { width: number; height: number };
    /** Functions run in every document before the app's scripts (e.g. trackPeerConnections). */
    initScripts?: Array<() => void>;
    /**
     * A room link shows the pre-join screen first: click Join there (default), with mic and
     * camera on as a fresh browser starts them. False: stay on the pre-join screen.
     */
    join?: boolean;
  } = {},
): Promise<UserPage> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    permissions: ['camera', 'microphone'],
  });
  // Under tsx (esbuild keepNames) functions serialized into the page call a `__name` helper
  // that only exists in Node; the page gets a no-op one first.
  await context.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
  for (const script of opts.initScripts ?? []) await context.addInitScript(script);
  await context.addInitScript(
    ([key, value]) => {
      if (!sessionStorage.getItem('e2e-seeded')) {
        localStorage.setItem(key, value);
        sessionStorage.setItem('e2e-seeded', '1');
      }
    },
    [
      'minimeet.session',
      JSON.stringify({ accessToken: user.accessToken, refreshToken: user.refreshToken, user: user.user }),
    ] as const,
  );
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${baseUrl}${opts.path ?? '/'}`);
  if (opts.join !== false && isRoomLink(opts.path ?? '/')) await passPreJoin(page);
  return { page, context, user, errors };
}

/** `/rooms/:id`, with or without a query (an invite link). */
export function isRoomLink(path: string): boolean {
  return /^\/rooms\/\d+(\?|$)/.test(path);
}

/**
 * Enters the call from the pre-join screen a room link opens on, as chosen there (a fresh
 * browser: mic and camera on). Waits for the screen (it loads the room first); a room the link
 * does not open (missing, private) shows its refusal instead, and the page stays on it.
 */
export async function passPreJoin(page: Page, timeoutMs = 30_000): Promise<void> {
  // Enabled once the room is loaded (a refused room replaces the button with its refusal).
  const join = page.getByRole('button', { name: 'Join now', exact: true, disabled: false });
  await join.or(page.locator('.error-page')).first().waitFor({ timeout: timeoutMs });
  if (!(await join.isVisible())) return;
  await join.click({ timeout: timeoutMs });
  // Gone once the call page took over: what a test looks for next is the call's.
  await page.locator('form[aria-labelledby="prejoin-title"]').waitFor({ state: 'detached', timeout: timeoutMs });
}

/**
 * Polls until `username`'s camera plays on `page` (width > 0, frames and time advance over 1 s).
 * Throws after `timeoutMs` with the last state seen.
 */
export async function waitForCameraPlaying(
  page: Page,
  username: string,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const sel = cameraVideo(username);
  let last = '';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const before = await page.evaluate(videoState, sel);
    await new Promise((r) => setTimeout(r, 1000));
    const after = await page.evaluate(videoState, sel);
    if (before && after && after.width > 0 && after.time > before.time && after.frames > before.frames)
      return;
    last = JSON.stringify(after);
  }
  throw new Error(`${what}: camera of ${username} not playing within ${timeoutMs} ms (last: ${last})`);
}
