import type { Browser, Page } from 'playwright-core';
import type { RoomDto } from '@minimeet/shared';
import { waitForCameraPlaying } from '@minimeet/test-hosts/chromium-pages';
import { inboundRtp } from '@minimeet/test-hosts/page-media';
import { trackPeerConnections } from '@minimeet/test-hosts/peer-connections';
import { describe, expect, it } from 'vitest';
import { createRoom, openUserPage, registerUser, screenshot, useBrowserStack, type UserPage } from './harness';

/**
 * Issue 20 item 3 in real browsers: a room that allows guests with its lobby on (set from the host
 * controls). A fresh context with no account joins by link as a guest and waits, with its camera
 * preview; the host hears the knock (banner, badge) and admits; the guest then sees and hears the
 * host and the host sees the guest marked "(guest)". A second guest is denied and is told.
 */
describe('client e2e: lobby', () => {
  const ctx = useBrowserStack();

  /** A guest by link in a context of its own (no account, no stored session), left waiting. */
  async function guestWaits(browser: Browser, pages: UserPage[], url: string, name: string, host: UserPage['user']): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['camera', 'microphone'] });
    await context.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
    await context.addInitScript(trackPeerConnections);
    const g = await context.newPage();
    pages.push({ page: g, context, user: host, errors: [] });
    await g.goto(url);
    await g.getByLabel('Your name').fill(name);
    await g.getByRole('button', { name: 'Join as guest' }).click();
    await g.getByRole('heading', { name: 'Waiting for the host to let you in' }).waitFor({ timeout: 20_000 });
    return g;
  }

  it('a guest waits, the host admits; a second guest is denied', async () => {
    const { stack, browser, pages } = ctx;
    const host = await registerUser(stack);
    const room = await createRoom(stack, host.accessToken, 'E2E lobby');
    await fetch(`${stack.apiUrl}/api/rooms/${room.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${host.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ allowGuests: true }),
    });
    const path = `/rooms/${room.id}`;
    const hostPage = await openUserPage(browser, stack, host, { path });
    pages.push(hostPage);
    const h = hostPage.page;
    await h.getByRole('heading', { name: 'E2E lobby' }).waitFor();
    // The host turns the lobby on for guests from the host controls.
    await h.getByRole('button', { name: /Show participants/ }).click();
    await h.getByRole('combobox', { name: 'Lobby' }).selectOption('guests');
    const lobbyMode = async () =>
      ((await (await fetch(`${stack.apiUrl}/api/rooms/${room.id}`, { headers: { authorization: `Bearer ${host.accessToken}` } })).json()) as RoomDto).lobby;
    await expect.poll(lobbyMode).toBe('guests');
    await h.getByRole('button', { name: /Hide participants/ }).click();

    const g = await guestWaits(browser, pages, `${stack.baseUrl}${path}`, 'Grace Waiting', host);
    await g.getByLabel('Your camera preview').waitFor();
    await expect.poll(() => g.locator('video.lobby-wait__preview').evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(2);
    await screenshot(g, 'lobby-guest-waiting');

    // The host's knock: a banner and the badge on the people button.
    const banner = h.getByRole('status').filter({ hasText: 'Grace Waiting (guest) is waiting in the lobby' });
    await banner.waitFor({ timeout: 10_000 });
    await h.getByRole('button', { name: /1 waiting in the lobby/ }).waitFor();
    await screenshot(h, 'lobby-host-knock');
    await banner.getByRole('button', { name: 'Admit' }).click();

    await g.getByRole('heading', { name: 'E2E lobby' }).waitFor({ timeout: 20_000 });
    await waitForCameraPlaying(g, host.user.username, "the host's camera on the admitted guest's page");
    // Hears the host: inbound audio packets keep arriving.
    await expect
      .poll(async () => (await g.evaluate(inboundRtp, 'audio')).packetsReceived, { timeout: 15_000 })
      .toBeGreaterThan(50);
    const before = (await g.evaluate(inboundRtp, 'audio')).packetsReceived;
    await expect.poll(async () => (await g.evaluate(inboundRtp, 'audio')).packetsReceived, { timeout: 10_000 }).toBeGreaterThan(before);
    await h.getByRole('button', { name: /Show participants/ }).click();
    await expect.poll(() => h.locator('.people__item[data-user="Grace Waiting"]').textContent(), { timeout: 15_000 }).toContain('(guest)');

    // A second guest is turned away, from the lobby list in the people panel.
    const d = await guestWaits(browser, pages, `${stack.baseUrl}${path}`, 'Dan Denied', host);
    await h.getByRole('button', { name: 'Deny Dan Denied' }).click({ timeout: 10_000 });
    await d.getByRole('heading', { name: 'The host did not let you in' }).waitFor({ timeout: 10_000 });
    await screenshot(d, 'lobby-guest-denied');
    await expect.poll(() => h.getByRole('button', { name: 'Deny Dan Denied' }).count()).toBe(0);
  }, 180_000);
});
