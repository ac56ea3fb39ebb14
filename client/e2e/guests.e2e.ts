import type { RoomDto } from '@minimeet/shared';
import { waitForCameraPlaying } from '@minimeet/test-hosts/chromium-pages';
import { describe, expect, it } from 'vitest';
import { createRoom, openSignedOutPage, openUserPage, registerUser, screenshot, useBrowserStack } from './harness';

/**
 * Issue 20 item 1 in real browsers: the host allows guests from the host controls; a fresh browser context with no account opens the room link
 * of a room that allows guests, joins as a guest with a name, the host's page shows the guest's
 * tile and participant row marked "(guest)", and the guest's page plays the host's camera.
 */
describe('client e2e: guests by link', () => {
  const ctx = useBrowserStack();

  it('a person without an account joins by link with a display name and appears as guest', async () => {
    const { stack, browser, pages } = ctx;
    const host = await registerUser(stack);
    const room = await createRoom(stack, host.accessToken, 'E2E guests');
    const path = `/rooms/${room.id}`;
    const hostPage = await openUserPage(browser, stack, host, { path });
    pages.push(hostPage);
    const h = hostPage.page;
    await h.getByRole('heading', { name: 'E2E guests' }).waitFor();
    // The host lets guests in from the host controls.
    await h.getByRole('button', { name: /Show participants/ }).click();
    await h.getByRole('checkbox', { name: /Allow guests/ }).check();
    const described = async () =>
      ((await (await fetch(`${stack.apiUrl}/api/rooms/${room.id}`, { headers: { authorization: `Bearer ${host.accessToken}` } })).json()) as RoomDto)
        .allowGuests;
    await expect.poll(described).toBe(true);

    // No account, no stored session: a context of its own.
    const { page: g, context } = await openSignedOutPage(browser, stack, path);
    pages.push({ page: g, context, user: host, errors: [] });
    await g.getByRole('link', { name: 'Sign in' }).waitFor();
    await g.getByLabel('Your name').fill('Grace Visitor');
    await screenshot(g, 'guests-join-form');
    await g.getByRole('button', { name: 'Join as guest' }).click();
    await g.getByRole('heading', { name: 'E2E guests' }).waitFor();

    const guestTile = h.locator('figure[data-user="Grace Visitor"][data-source="camera"]');
    await guestTile.waitFor({ timeout: 30_000 });
    await expect.poll(() => guestTile.textContent(), { timeout: 10_000 }).toContain('Grace Visitor (guest)');
    await expect.poll(() => h.locator('.people__item[data-user="Grace Visitor"]').textContent()).toContain('(guest)');
    await waitForCameraPlaying(g, host.user.username, "the host's camera on the guest's page");
    await screenshot(h, 'guests-host-sees-guest');
  }, 120_000);
});
