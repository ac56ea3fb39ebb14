import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import { createAdmin, createRoom, E2E_PASSWORD, launchBrowser, openUserPage, registerUser, screenshot, startStack, uniqueUsername, type Stack, type UserPage } from './harness';

/**
 * Issue 7 acceptance (client side): an administrator watches a live call of two Node WebRTC
 * bots in /admin; everyone else is turned away.
 */
const ADMIN = uniqueUsername('admin');

/** The producer rows of the drill-down: id, bitrate (bit/s) and cumulative packets. */
function producerRows(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLTableRowElement>('tr[data-producer-id]')].map((tr) => ({
      id: tr.dataset.producerId!,
      stream: tr.cells[0]!.textContent ?? '',
      bps: Number(tr.querySelector<HTMLElement>('[data-testid="producer-bitrate"]')!.dataset.bps),
      text: tr.querySelector('[data-testid="producer-bitrate"]')!.textContent ?? '',
      packets: Number((tr.cells[4]!.textContent ?? '').replace(/\D/g, '')),
    })),
  );
}

const snapshotAt = (page: Page) => page.locator('main.admin').getAttribute('data-snapshot-at');

async function nextSnapshot(page: Page, after: string | null): Promise<string> {
  await expect.poll(() => snapshotAt(page), { timeout: 15_000 }).not.toBe(after);
  return (await snapshotAt(page))!;
}

describe('client e2e: admin view', () => {
  let stack: Stack;
  let browser: Browser;
  const bots: MiniMeetPeer[] = [];
  const pages: UserPage[] = [];

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const b of bots) await b.close().catch(() => {});
    for (const p of pages) await p.context.close().catch(() => {});
    await browser?.close();
    await stack?.stop();
  });

  it('an admin sees the live room of two bots, its drill-down and moving producer bitrates', async () => {
    const admin = await createAdmin(stack, ADMIN);
    expect(admin.user.role).toBe('admin');
    const room = await createRoom(stack, admin.accessToken, 'E2E admin watch', 8);
    for (const name of ['bot_a', 'bot_b']) {
      const bot = new MiniMeetPeer({ url: stack.apiUrl, roomId: room.id, username: uniqueUsername(name), password: E2E_PASSWORD });
      bots.push(bot);
      await bot.start();
    }

    const p = await openUserPage(browser, stack, admin, { path: '/' });
    pages.push(p);
    const { page } = p;
    await page.getByRole('banner').getByRole('link', { name: 'Admin' }).click();
    const rooms = page.getByRole('table', { name: 'Active rooms' });
    const row = rooms.getByRole('row', { name: /E2E admin watch/ });
    await row.waitFor({ timeout: 20_000 });
    await expect.poll(() => row.locator('td').first().textContent(), { timeout: 15_000 }).toBe('2');
    // Enough history for the CPU chart to draw lines.
    await page.locator('.chart polyline').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('total-peers').textContent()).toContain('2');

    await row.getByRole('link', { name: 'E2E admin watch' }).click();
    await page.getByRole('heading', { name: 'E2E admin watch' }).waitFor();
    await page.getByRole('table', { name: /^Producers of bot_a/ }).waitFor();
    await page.getByRole('table', { name: /^Consumers of bot_b/ }).waitFor();

    // Two consecutive admin:stats pushes: bitrates > 0 and moving, packet counters rising.
    await expect.poll(async () => (await producerRows(page)).filter((r) => r.bps > 0).length, { timeout: 20_000 }).toBe(4);
    let at = await snapshotAt(page);
    at = await nextSnapshot(page, at);
    const first = await producerRows(page);
    await nextSnapshot(page, at);
    const second = await producerRows(page);
    expect(second.map((r) => r.id).sort()).toEqual(first.map((r) => r.id).sort());
    for (const r of second) {
      const before = first.find((f) => f.id === r.id)!;
      expect(r.bps, r.stream).toBeGreaterThan(0);
      expect(r.text).toMatch(/^\d+(\.\d+)? (kbit|Mbit)\/s$/);
      expect(r.packets, r.stream).toBeGreaterThan(before.packets);
    }
    const video = second.filter((r) => r.stream.startsWith('video'));
    expect(video).toHaveLength(2);
    expect(video.some((r) => r.bps !== first.find((f) => f.id === r.id)!.bps)).toBe(true);
    // Sparklines have drawn history by now.
    await expect.poll(() => page.locator('svg.sparkline').count()).toBeGreaterThan(0);
    await screenshot(page, 'admin-room-1280');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await screenshot(page, 'admin-room-390');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('link', { name: '← All rooms' }).click();
    await rooms.waitFor();
    await screenshot(page, 'admin-overview-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await screenshot(page, 'admin-overview-390');
    // The running call is in the analytics table, marked live.
    const call = page.getByRole('table', { name: 'Calls' }).getByRole('row', { name: /E2E admin watch/ });
    await call.waitFor({ timeout: 15_000 });
    expect(await call.textContent()).toContain('live');
    await call.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-calls-390');
    expect(p.errors).toEqual([]);
  });

  it('someone who is not an admin gets the not-allowed page', async () => {
    const user = await registerUser(stack);
    expect(user.user.role).toBe('user');
    const p = await openUserPage(browser, stack, user, { path: '/admin', viewport: { width: 390, height: 844 } });
    pages.push(p);
    await p.page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(await p.page.getByRole('alert').textContent()).toContain('This page is for administrators');
    expect(await p.page.getByRole('banner').getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await screenshot(p.page, 'admin-not-allowed-390');
    expect(p.errors).toEqual([]);
  });
});
