import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, runAdminCli } from '@minimeet/test-harness';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, openUserPage, registerUser, screenshot, useBrowserStack, type BrowserStack } from './harness';

/**
 * Issue 20 item 6 in a real browser: another site (a parent page on 127.0.0.1:<port>, served by
 * a tiny server this test runs) puts the call in an iframe (the app on localhost:<port>: another
 * origin) with the embed helper script and an app-minted join token. With the parent's origin in
 * EMBED_ALLOWED_ORIGINS the frame joins, the parent hears `joined`, mutes the microphone (the host
 * sees it muted) and leaves (`left`); a command posted by a frame of a non-allowed origin is
 * ignored. With a server that does not list the parent's origin, Chromium refuses to render the
 * frame (CSP frame-ancestors): the app never loads in it.
 */

/** The harness's JWT_SECRET: API key secrets are encrypted with it, so the CLI needs it too. */
const E2E_JWT_SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e';
const PARENT_PORT = await freePort();
const PARENT_ORIGIN = `http://127.0.0.1:${PARENT_PORT}`;
/** Same port, other host: another origin, never allowed. */
const INTRUDER_ORIGIN = `http://localhost:${PARENT_PORT}`;

/** The embedding site: a page with the helper script, recording events; and an intruder frame. */
function parentPage(appOrigin: string, roomId: number, token: string, media = { mic: true, camera: true }): string {
  return `<!doctype html><html><head><title>Embedding site</title></head><body>
<h1>Course page</h1>
<div id="call" style="width: 960px; height: 600px"></div>
<iframe id="intruder" title="intruder" src="${INTRUDER_ORIGIN}/intruder.html" style="width: 10px; height: 10px"></iframe>
<script src="${appOrigin}/embed/minimeet-embed.js"></script>
<script>
  window.events = [];
  window.call = MiniMeet.embed(document.getElementById('call'), { roomId: ${roomId}, token: ${JSON.stringify(token)}, mic: ${media.mic}, camera: ${media.camera} });
  for (const name of ['ready', 'joined', 'left', 'participantsChanged', 'activeSpeaker', 'micChanged', 'cameraChanged', 'error']) {
    window.call.on(name, (data) => window.events.push({ name, data }));
  }
  // Anything else that reaches this page from the frame (results of commands it did not send).
  window.stray = [];
  window.addEventListener('message', (e) => {
    if (e.data && e.data.type === 'result' && !String(e.data.requestId || '').startsWith('mm-')) window.stray.push(e.data);
  });
</script></body></html>`;
}

/** A frame of another origin inside the embedding page: it finds the call's frame and commands it. */
const INTRUDER_PAGE = `<!doctype html><html><body><script>
  window.addEventListener('message', (e) => {
    if (e.data !== 'attack') return;
    // Every other frame of the page (the call's among them).
    for (let i = 0; i < window.parent.frames.length; i++) {
      const target = window.parent.frames[i];
      if (target === window) continue;
      for (const command of ['leave', 'muteCamera', 'muteMic']) {
        target.postMessage({ source: 'minimeet', type: 'command', command, requestId: 'intruder-' + command }, '*');
      }
    }
  });
</script></body></html>`;

function startParentSite(pages: () => { parent: string }): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const body = path === '/parent.html' ? pages().parent : path === '/intruder.html' ? INTRUDER_PAGE : null;
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? 'not found');
  });
  return new Promise((resolve) => server.listen(PARENT_PORT, '127.0.0.1', () => resolve(server)));
}

/** The app's origin as a different host than the parent's (the server listens on 127.0.0.1). */
const appOriginOf = (baseUrl: string) => `http://localhost:${new URL(baseUrl).port}`;

async function mintJoinToken(ctx: BrowserStack, roomId: number, sub: string, name: string): Promise<string> {
  const created = await runAdminCli(['apikey', 'create', 'Embedding site'], {
    databaseUrl: ctx.stack.databaseUrl,
    env: { JWT_SECRET: E2E_JWT_SECRET },
  });
  const id = /key id: (\S+)/.exec(created.stdout)?.[1];
  const secret = /secret: (\S+)/.exec(created.stdout)?.[1];
  if (created.code !== 0 || !id || !secret) throw new Error(`apikey create: ${created.stdout} ${created.stderr}`);
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: 'HS256', typ: 'JWT', kid: id })}.${b64({ room: roomId, sub, name, grants: { publish: true, subscribe: true }, iat, exp: iat + 600 })}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

async function openParent(ctx: BrowserStack): Promise<{ page: Page; errors: string[] }> {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['camera', 'microphone'] });
  await context.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  ctx.pages.push({ page, context, user: await registerUser(ctx.stack), errors });
  await page.goto(`${PARENT_ORIGIN}/parent.html`);
  return { page, errors };
}

/** A host in a new room's call; answers the room and the host's page. */
async function hostInCall(ctx: BrowserStack, roomName: string) {
  const host = await registerUser(ctx.stack);
  const room = await createRoom(ctx.stack, host.accessToken, roomName);
  const hostPage = await openUserPage(ctx.browser, ctx.stack, host, { path: `/rooms/${room.id}` });
  ctx.pages.push(hostPage);
  await hostPage.page.getByRole('heading', { name: roomName }).waitFor();
  return { room, h: hostPage.page };
}

const eventNames = (page: Page) => page.evaluate(() => (window as unknown as { events: Array<{ name: string }> }).events.map((e) => e.name));

/** The call's frame inside the parent page. */
function callFrame(page: Page, appOrigin: string): Frame | undefined {
  const originOf = (url: string) => {
    try {
      return new URL(url).origin;
    } catch {
      return '';
    }
  };
  return page.frames().find((f) => f !== page.mainFrame() && (originOf(f.url()) === appOrigin || f.url().startsWith('chrome-error:')));
}

describe('client e2e: embedding from an allowed origin', () => {
  let parentHtml = '';
  let site: http.Server;
  const ctx = useBrowserStack({ env: { EMBED_ALLOWED_ORIGINS: PARENT_ORIGIN } });
  beforeAll(async () => {
    site = await startParentSite(() => ({ parent: parentHtml }));
    expect((site.address() as AddressInfo).port).toBe(PARENT_PORT);
  });
  // Before the browser closes: its keep-alive connections would hold close() open.
  afterAll(() => new Promise<void>((resolve) => (site ? (site.close(() => resolve()), site.closeAllConnections()) : resolve())));

  it('joins in the iframe, sends events to the parent, obeys its commands and ignores an intruder', async () => {
    const { room, h } = await hostInCall(ctx, 'E2E embed');
    const appOrigin = appOriginOf(ctx.stack.baseUrl);
    const token = await mintJoinToken(ctx, room.id, 'learner-7', 'Ada Learner');
    parentHtml = parentPage(appOrigin, room.id, token);
    const { page: p } = await openParent(ctx);

    await expect.poll(() => eventNames(p), { timeout: 30_000 }).toEqual(expect.arrayContaining(['ready', 'joined']));
    const joined = await p.evaluate(() => (window as unknown as { events: Array<{ name: string; data: { self?: { username: string } } }> }).events.find((e) => e.name === 'joined')!.data);
    expect(joined).toMatchObject({ roomId: room.id, self: { username: expect.any(String) } });
    const frame = callFrame(p, appOrigin)!;
    // The frame shows the call without the app's chrome, and the token left its address.
    expect(frame.url()).toBe(`${appOrigin}/embed/rooms/${room.id}`);
    await frame.getByRole('toolbar', { name: 'Call controls' }).waitFor();
    expect(await frame.locator('.call__header').count()).toBe(0);
    expect(await frame.evaluate(() => window.location.search)).toBe('');

    // The host sees the embedded participant, microphone on; the parent hears about the host.
    const embedded = h.locator('figure[data-source="camera"]:not([data-local])');
    await embedded.waitFor({ timeout: 30_000 });
    await expect.poll(() => embedded.getAttribute('data-mic'), { timeout: 15_000 }).toBe('on');
    await expect
      .poll(() => p.evaluate(() => (window as unknown as { events: Array<{ name: string; data: { count?: number } }> }).events.filter((e) => e.name === 'participantsChanged').at(-1)?.data.count))
      .toBe(2);

    // A frame of another origin in the same page commands the call: nothing happens.
    await p.frameLocator('#intruder').locator('body').waitFor({ state: 'attached' });
    await p.evaluate(() => (document.getElementById('intruder') as HTMLIFrameElement).contentWindow!.postMessage('attack', '*'));
    await p.waitForTimeout(1500);
    expect(await p.evaluate(() => (window as unknown as { call: { getState(): Promise<unknown> } }).call.getState())).toMatchObject({
      status: 'joined',
      micOn: true,
      cameraOn: true,
    });
    expect(await embedded.getAttribute('data-mic')).toBe('on');
    expect(await p.evaluate(() => (window as unknown as { stray: unknown[] }).stray)).toEqual([]);

    // The parent mutes the microphone: the host's page shows it muted (the producer paused).
    const muted = await p.evaluate(() => (window as unknown as { call: { muteMic(): Promise<{ micOn: boolean }> } }).call.muteMic());
    expect(muted).toMatchObject({ micOn: false, status: 'joined' });
    await expect.poll(() => embedded.getAttribute('data-mic'), { timeout: 15_000 }).toBe('off');
    await expect.poll(() => eventNames(p)).toContain('micChanged');
    await screenshot(p, 'embed-parent-muted');

    // The chat opens or closes on command.
    const chatPanel = frame.getByRole('complementary', { name: 'Chat panel' });
    const chatWasOpen = (await chatPanel.count()) > 0;
    const toggled = await p.evaluate(() => (window as unknown as { call: { toggleChat(): Promise<{ chatOpen: boolean }> } }).call.toggleChat());
    expect(toggled.chatOpen).toBe(!chatWasOpen);
    await expect.poll(() => chatPanel.count()).toBe(chatWasOpen ? 0 : 1);

    // Leave: the parent hears `left`, the host sees the participant go.
    const left = await p.evaluate(() => (window as unknown as { call: { leave(): Promise<{ status: string }> } }).call.leave());
    expect(left).toMatchObject({ status: 'left' });
    await expect.poll(() => eventNames(p)).toContain('left');
    await expect.poll(() => embedded.count(), { timeout: 15_000 }).toBe(0);
    await frame.getByRole('heading', { name: 'You left the call' }).waitFor();
  }, 120_000);

  it('joins with microphone and camera off when the parent asks (?mic=off&camera=off), and turns them on by command', async () => {
    const { room, h } = await hostInCall(ctx, 'E2E embed quiet');
    const appOrigin = appOriginOf(ctx.stack.baseUrl);
    parentHtml = parentPage(appOrigin, room.id, await mintJoinToken(ctx, room.id, 'learner-8', 'Quiet Learner'), { mic: false, camera: false });
    const { page: p } = await openParent(ctx);
    await expect.poll(() => eventNames(p), { timeout: 30_000 }).toContain('joined');
    const frame = callFrame(p, appOrigin)!;
    expect(frame.url()).toBe(`${appOrigin}/embed/rooms/${room.id}?mic=off&camera=off`);
    type Call = { call: { getState(): Promise<{ micOn: boolean; cameraOn: boolean }>; unmuteCamera(): Promise<{ cameraOn: boolean }> } };
    await expect.poll(() => p.evaluate(() => (window as unknown as Call).call.getState()), { timeout: 15_000 }).toMatchObject({ micOn: false, cameraOn: false });
    const embedded = h.locator('figure[data-source="camera"]:not([data-local])');
    await embedded.waitFor({ timeout: 30_000 });
    // The muted microphone's producer may come before its pause reaches the host: settled, both off.
    await expect.poll(() => embedded.getAttribute('data-mic'), { timeout: 10_000 }).toBe('off');
    expect(await embedded.getAttribute('data-camera')).toBe('off');

    // Right after `joined` the page may still be starting its microphone: the command waits for it.
    const unmuted = await p.evaluate(() => (window as unknown as Call).call.unmuteCamera().catch((refusal: unknown) => ({ refusal })));
    expect(unmuted).toMatchObject({ cameraOn: true });
    await expect.poll(() => embedded.getAttribute('data-camera'), { timeout: 15_000 }).toBe('on');
    await expect.poll(() => eventNames(p)).toContain('cameraChanged');
  }, 120_000);
});

describe('client e2e: embedding from an origin that is not allowed', () => {
  let parentHtml = '';
  let site: http.Server;
  const ctx = useBrowserStack({ env: { EMBED_ALLOWED_ORIGINS: 'https://lms.example.com' } });
  beforeAll(async () => {
    site = await startParentSite(() => ({ parent: parentHtml }));
  });
  // Before the browser closes: its keep-alive connections would hold close() open.
  afterAll(() => new Promise<void>((resolve) => (site ? (site.close(() => resolve()), site.closeAllConnections()) : resolve())));

  it('the browser refuses to render the frame (frame-ancestors): the app never loads in it', async () => {
    const { stack } = ctx;
    const host = await registerUser(stack);
    const room = await createRoom(stack, host.accessToken, 'E2E embed refused');
    const appOrigin = appOriginOf(stack.baseUrl);
    parentHtml = parentPage(appOrigin, room.id, host.accessToken);
    const { page: p, errors } = await openParent(ctx);
    // Chromium reports the refusal on the console (collected from before the page loaded).
    await expect.poll(() => errors.join('\n'), { timeout: 20_000 }).toMatch(/frame-ancestors https:\/\/lms\.example\.com.*blocked/s);
    await p.waitForTimeout(2000);
    // The helper script itself loads (it is not framed), but the frame holds Chromium's error page.
    expect(await p.evaluate(() => typeof (window as unknown as { MiniMeet?: unknown }).MiniMeet)).toBe('object');
    const frame = callFrame(p, appOrigin);
    expect(frame?.url() ?? 'no frame').not.toMatch(new RegExp(`^${appOrigin}/embed`));
    expect(frame ? await frame.evaluate(() => document.getElementById('root')).catch(() => null) : null).toBeNull();
    expect(await eventNames(p)).toEqual([]);
    // Nobody joined the room from the frame.
    const res = await fetch(`${stack.apiUrl}/api/rooms/${room.id}`, { headers: { authorization: `Bearer ${host.accessToken}` } });
    expect(((await res.json()) as { participantCount: number }).participantCount).toBe(0);
  }, 60_000);
});
