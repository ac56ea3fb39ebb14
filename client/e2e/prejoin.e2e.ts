import type { RoomDto } from '@minimeet/shared';
import { waitForCameraPlaying } from '@minimeet/test-hosts/chromium-pages';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createRoom, openSignedOutPage, openUserPage, passPreJoin, registerUser, screenshot, useBrowserStack } from './harness';

/**
 * Issue 20 item 2 in real browsers: a room link opens the pre-join screen, not the call. It shows
 * your own camera playing, a live mic level, who is already in the room; joining with the camera
 * and mic off keeps them off in the call (the others get no video and see the mic off), the
 * choice is remembered for the next visit; a guest link is one screen with name, preview and Join.
 */
describe('client e2e: pre-join screen', () => {
  const ctx = useBrowserStack();

  /** Whether the self preview's video plays (a picture, time advancing over half a second). */
  async function previewPlaying(page: Page): Promise<boolean> {
    const state = () =>
      page.evaluate(() => {
        const v = document.querySelector<HTMLVideoElement>('video[aria-label="Your camera preview"]');
        return { width: v?.videoWidth ?? 0, time: v?.currentTime ?? 0 };
      });
    const before = await state();
    await page.waitForTimeout(500);
    const after = await state();
    return after.width > 0 && after.time > before.time;
  }

  it('shows the camera and who is in the room; joining with camera and mic off keeps them off for the others; remembered next time', async () => {
    const { stack, browser, pages } = ctx;
    const [host, bob] = await Promise.all([registerUser(stack), registerUser(stack)]);
    const room = await createRoom(stack, host.accessToken, 'E2E pre-join');
    const path = `/rooms/${room.id}`;
    const hostPage = await openUserPage(browser, stack, host, { path });
    pages.push(hostPage);
    const h = hostPage.page;

    const bobPage = await openUserPage(browser, stack, bob, { path, join: false });
    pages.push(bobPage);
    const b = bobPage.page;
    // Not in the call yet: the pre-join screen, with the room's name and who is there.
    await b.getByRole('heading', { name: 'E2E pre-join' }).waitFor();
    const people = b.getByRole('region', { name: 'In the call' });
    await expect.poll(() => people.textContent(), { timeout: 15_000 }).toContain(host.user.username);
    expect(await people.textContent()).toContain('1 person is in the call');
    expect(await b.locator('[role="toolbar"][aria-label="Call controls"]').count()).toBe(0);
    // The host's page has nobody else yet: looking does not join.
    expect(await h.locator('figure[data-user]').count()).toBe(0);

    await expect.poll(() => previewPlaying(b), { timeout: 20_000 }).toBe(true);
    // The fake microphone beeps: the meter moves.
    const meter = b.getByRole('meter', { name: 'Microphone level' });
    await expect.poll(async () => Number(await meter.getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(0);
    // The fake camera is listed for choosing (with its label: capture was allowed).
    const cameraChoice = b.getByRole('group', { name: 'Devices' }).getByRole('combobox').first();
    await expect.poll(() => cameraChoice.locator('option').first().textContent()).toMatch(/\S/);
    expect(await cameraChoice.locator('option').first().textContent()).not.toBe('No camera found');
    await screenshot(b, 'prejoin-1280');

    await b.getByRole('button', { name: 'Turn camera off' }).click();
    await b.getByText('Camera is off').waitFor();
    await b.getByRole('button', { name: 'Mute microphone' }).click();
    await expect.poll(async () => Number(await meter.getAttribute('aria-valuenow'))).toBe(0);
    await b.getByRole('button', { name: 'Join now' }).click();

    // In the call with both off, as chosen.
    const controls = b.getByRole('toolbar', { name: 'Call controls' });
    await controls.getByRole('button', { name: 'Unmute microphone' }).waitFor({ timeout: 20_000 });
    await controls.getByRole('button', { name: 'Turn camera on' }).waitFor();
    // The host sees bob, mic off, no camera; no video arrives from him.
    const bobTile = h.locator(`figure[data-user="${bob.user.username}"][data-source="camera"]`);
    await bobTile.waitFor({ timeout: 30_000 });
    await expect.poll(() => bobTile.getAttribute('data-mic'), { timeout: 15_000 }).toBe('off');
    expect(await bobTile.getAttribute('data-camera')).toBe('off');
    await h.waitForTimeout(2000);
    const bobVideoWidth = await bobTile.evaluate((el) => el.querySelector('video')?.videoWidth ?? 0);
    expect(bobVideoWidth).toBe(0);
    // Bob receives the host as usual.
    await waitForCameraPlaying(b, host.user.username, "the host's camera on bob's page");

    // Bob turns his mic on in the call: the host sees it; the choices stay the call's to change.
    await controls.getByRole('button', { name: 'Unmute microphone' }).click();
    await expect.poll(() => bobTile.getAttribute('data-mic'), { timeout: 15_000 }).toBe('on');

    // Back to the lobby and in again: the pre-join screen starts from the last choices (camera off).
    await controls.getByRole('button', { name: 'Leave call' }).click();
    await b.getByRole('heading', { name: 'Rooms' }).waitFor();
    await b.goto(`${stack.baseUrl}${path}`);
    await b.getByRole('heading', { name: 'E2E pre-join' }).waitFor();
    await b.getByRole('button', { name: 'Turn camera on' }).waitFor();
    await b.getByRole('button', { name: 'Unmute microphone' }).waitFor();
    expect(await b.locator('video[aria-label="Your camera preview"]').count()).toBe(0);

    expect(bobPage.errors).toEqual([]);
    expect(hostPage.errors).toEqual([]);
  }, 150_000);

  it('a guest link is one screen at phone width: name, camera preview and Join; the guest joins with the camera on', async () => {
    const { stack, browser, pages } = ctx;
    const host = await registerUser(stack);
    const room = await createRoom(stack, host.accessToken, 'E2E guest pre-join');
    const allowed = await fetch(`${stack.apiUrl}/api/rooms/${room.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${host.accessToken}` },
      body: JSON.stringify({ allowGuests: true }),
    });
    expect(((await allowed.json()) as RoomDto).allowGuests).toBe(true);
    const path = `/rooms/${room.id}`;
    const hostPage = await openUserPage(browser, stack, host, { path });
    pages.push(hostPage);

    const { page: g, context } = await openSignedOutPage(browser, stack, path, { width: 390, height: 844 });
    pages.push({ page: g, context, user: host, errors: [] });
    await g.getByRole('heading', { name: 'Join the call' }).waitFor();
    const name = g.getByLabel('Your name');
    await name.waitFor();
    await expect.poll(() => previewPlaying(g), { timeout: 20_000 }).toBe(true);
    // Fits a phone: no sideways scrolling, the Join button reachable.
    expect(await g.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(g, 'prejoin-guest-390');

    await name.fill('Pat Guest');
    await g.getByRole('button', { name: 'Join as guest' }).click();
    await g.getByRole('toolbar', { name: 'Call controls' }).waitFor({ timeout: 20_000 });
    await waitForCameraPlaying(hostPage.page, 'Pat Guest', "the guest's camera on the host's page", 45_000);
    await expect
      .poll(() => hostPage.page.locator('figure[data-user="Pat Guest"]').textContent())
      .toContain('(guest)');
  }, 150_000);

  it('passPreJoin leaves a page on the refusal of a room the link does not open', async () => {
    const { stack, browser, pages } = ctx;
    const stranger = await registerUser(stack);
    const p = await openUserPage(browser, stack, stranger, { path: '/rooms/987654' });
    pages.push(p);
    await p.page.getByRole('heading', { name: 'Room not found' }).waitFor();
    await passPreJoin(p.page);
    expect(await p.page.getByRole('button', { name: 'Join now' }).count()).toBe(0);
  }, 60_000);
});
