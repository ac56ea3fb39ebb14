import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, launchBrowser, openUserPage, passPreJoin, registerUser, screenshot, startStack, type Stack, type UserPage } from './harness';
import type { Browser } from 'playwright-core';

/** Issue 6 acceptance: a 4-person call through the real SFU in Chromium with fake media. */
const CAMERA_TILES = 'figure[data-user][data-source="camera"]';

/**
 * Remote camera videos that are playing: videoWidth > 0, and over ~1 s both currentTime and the
 * decoded frame count advance (a frozen track from a closed producer fails this). Polled until true.
 */
async function expectRemoteVideosPlaying(page: Page, count: number, timeout = 30_000): Promise<void> {
  const snapshot = () =>
    page.evaluate((sel) => {
      return [...document.querySelectorAll<HTMLElement>(sel)].map((fig) => {
        const v = fig.querySelector('video');
        return {
          user: fig.dataset.user ?? '',
          width: v?.videoWidth ?? 0,
          time: v?.currentTime ?? 0,
          frames: v?.getVideoPlaybackQuality().totalVideoFrames ?? 0,
          el: v ? (v.dataset.e2eId ??= Math.random().toString(36).slice(2)) : '',
        };
      });
    }, CAMERA_TILES);
  let last = '';
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const before = await snapshot();
    await page.waitForTimeout(1000);
    const after = await snapshot();
    const playing = after.filter((a) => {
      const b = before.find((x) => x.user === a.user && x.el === a.el);
      return !!b && a.width > 0 && a.time > b.time && a.frames > b.frames;
    });
    if (after.length === count && playing.length === count) return;
    last = JSON.stringify(after);
  }
  throw new Error(`remote videos not all playing within ${timeout} ms: ${last}`);
}

describe('client e2e: 4-person call over the SFU', () => {
  let stack: Stack;
  let browser: Browser;
  const pages: UserPage[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    if (logs.length) console.log(`[e2e] page logs:\n${logs.join('\n')}`);
    for (const p of pages) {
      const tiles = await p.page
        .evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('figure')].map((f) => {
            const v = f.querySelector('video');
            return `${f.getAttribute('aria-label')} src=${f.dataset.source} mic=${f.dataset.mic} cam=${f.dataset.camera} video=${v ? `${v.videoWidth}x${v.videoHeight}@${v.currentTime.toFixed(1)}${v.paused ? ' paused' : ''}` : 'none'}`;
          }),
        )
        .catch(() => []);
      console.log(`${p.user.user.username}:\n  ${tiles.join('\n  ')}`);
    }
    for (const p of pages) await p.context.close().catch(() => {});
    await browser?.close();
    await stack?.stop();
  });

  it('four pages see and hear each other; mute, chat, reload and screen share reach everyone', async () => {
    const users = await Promise.all([0, 1, 2, 3].map(() => registerUser(stack)));
    const room = await createRoom(stack, users[0]!.accessToken, 'E2E all hands', 8);
    for (const u of users) {
      const p = await openUserPage(browser, stack, u, { path: `/rooms/${room.id}` });
      p.page.on('console', (m) => {
        if (m.type() === 'warning' || m.type() === 'error') logs.push(`[${u.user.username}] ${m.type()}: ${m.text()}`);
      });
      pages.push(p);
    }
    const t0 = Date.now();
    const mark = (what: string) => console.log(`[e2e] ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const name = (i: number) => users[i]!.user.username;
    const tileOf = (p: UserPage, i: number) => p.page.locator(`${CAMERA_TILES}[data-user="${name(i)}"]`);

    // Everyone shows three remote tiles with playing video.
    await Promise.all(pages.map((p) => expectRemoteVideosPlaying(p.page, 3, 45_000)));
    await screenshot(pages[0]!.page, 'call-4-1280');
    mark('all playing');

    // Mute on page 0: mic-off on the other three.
    for (const p of pages.slice(1)) await expect.poll(() => tileOf(p, 0).getAttribute('data-mic'), { timeout: 15_000 }).toBe('on');
    await pages[0]!.page.getByRole('button', { name: 'Mute microphone' }).click();
    await pages[0]!.page.getByRole('button', { name: 'Unmute microphone' }).waitFor();
    for (const p of pages.slice(1)) {
      await tileOf(p, 0).getByTestId('mic-off').waitFor({ timeout: 15_000 });
    }

    // Chat from page 1 reaches all four.
    const text = `hello all ${Date.now().toString(36)}`;
    await pages[1]!.page.getByLabel('Message').fill(text);
    await pages[1]!.page.getByLabel('Message').press('Enter');
    for (const p of pages) await p.page.getByText(text).first().waitFor({ timeout: 15_000 });
    mark('muted + chat');

    // Page 2 reloads: back in the call, all tiles playing everywhere.
    await pages[2]!.page.reload();
    // A reload lands on the pre-join screen like any room link: join again from it.
    await passPreJoin(pages[2]!.page);
    await Promise.all(pages.map((p) => expectRemoteVideosPlaying(p.page, 3, 45_000)));
    // Mute state survived on the others' view of page 0 and is seen by the reloaded page.
    await tileOf(pages[2]!, 0).getByTestId('mic-off').waitFor({ timeout: 15_000 });
    mark('reloaded');

    // Screen share from page 3 appears as its own tile on the others.
    await pages[3]!.page.getByRole('button', { name: 'Share screen' }).click();
    await pages[3]!.page.getByRole('button', { name: 'Stop sharing' }).waitFor();
    for (const p of pages.slice(0, 3)) {
      const screen = p.page.locator(`figure[data-user="${name(3)}"][data-source="screen"]`);
      await screen.waitFor({ timeout: 20_000 });
      await expect.poll(() => screen.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0);
    }
    await screenshot(pages[0]!.page, 'call-4-screen-1280');
    mark('screen share');

    // Phone width: the grid stacks, chat is a toggle.
    await pages[1]!.page.setViewportSize({ width: 390, height: 844 });
    const hideChat = pages[1]!.page.getByRole('button', { name: 'Hide chat' });
    if (await hideChat.isVisible()) await hideChat.click();
    await pages[1]!.page.waitForTimeout(1000);
    await screenshot(pages[1]!.page, 'call-4-390');
    mark('390');

    // Stop sharing: the tile goes away.
    await pages[3]!.page.getByRole('button', { name: 'Stop sharing' }).click();
    await pages[0]!.page.locator(`figure[data-user="${name(3)}"][data-source="screen"]`).waitFor({ state: 'detached', timeout: 15_000 });

    for (const p of pages) expect(p.errors, `console errors on ${p.user.user.username}`).toEqual([]);
    // Four Chromiums encoding simulcast on two cores: generous when the machine is shared.
  }, 240_000);
});
