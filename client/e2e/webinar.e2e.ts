import { describe, expect, it } from 'vitest';
import { cameraAdvancing, createRoom, openUserPage, registerUser, screenshot, useBrowserStack } from './harness';

/**
 * Issue 19 item 1 in real browsers: in a webinar the attendee is no tile and has no mic or camera
 * controls; the host brings it on stage from the participant list, the attendee turns its camera
 * on and the host's page plays it; back to the audience removes the tile and the controls.
 */
const CAMERA_TILES = 'figure[data-user][data-source="camera"]';

describe('client e2e: webinar stage', () => {
  const e2e = useBrowserStack();
  const { pages } = e2e;

  it('an attendee watches, is brought on stage and plays on the host page, and goes back to the audience', async () => {
    const [host, guest] = await Promise.all([0, 1].map(() => registerUser(e2e.stack)));
    const room = await createRoom(e2e.stack, host!.accessToken, 'E2E webinar', 4, { kind: 'webinar' });
    const path = `/rooms/${room.id}`;
    const hostPage = await openUserPage(e2e.browser, e2e.stack, host!, { path });
    const guestPage = await openUserPage(e2e.browser, e2e.stack, guest!, { path });
    pages.push(hostPage, guestPage);
    const h = hostPage.page;
    const g = guestPage.page;
    const guestName = guest!.user.username;
    const guestTile = h.locator(`${CAMERA_TILES}[data-user="${guestName}"]`);

    // The attendee sees the host on stage, has no camera or mic buttons, and is no tile for the host.
    await expect.poll(() => cameraAdvancing(g, host!.user.username), { timeout: 30_000 }).toBe(true);
    await g.getByText('You are in the audience').waitFor();
    expect(await g.getByRole('button', { name: /camera/i }).count()).toBe(0);
    expect(await g.getByRole('button', { name: /microphone/i }).count()).toBe(0);
    expect(await g.locator('figure[data-local]').count()).toBe(0);
    await h.getByRole('button', { name: /Show participants/ }).click();
    const attendees = h.getByRole('list', { name: 'Attendees' });
    await attendees.locator(`li[data-user="${guestName}"]`).waitFor({ timeout: 15_000 });
    expect(await guestTile.count()).toBe(0);
    await screenshot(h, 'webinar-host-audience');

    // Brought on stage: the attendee is asked to turn its camera on, does, and the host's page plays it.
    await attendees.getByRole('button', { name: `Bring on stage: ${guestName}` }).click();
    await g.getByText(/brought you on stage/).waitFor({ timeout: 15_000 });
    await g.getByRole('button', { name: 'Turn camera on' }).click();
    await expect.poll(() => cameraAdvancing(h, guestName), { timeout: 30_000 }).toBe(true);
    await screenshot(h, 'webinar-on-stage');

    // Back to the audience: the tile goes for the host, the controls and camera for the attendee.
    await h.getByRole('button', { name: `Back to audience: ${guestName}` }).click();
    await guestTile.waitFor({ state: 'detached', timeout: 15_000 });
    await g.getByText(/back to the audience/).waitFor({ timeout: 15_000 });
    expect(await g.getByRole('button', { name: 'Turn camera on' }).count()).toBe(0);
    await attendees.locator(`li[data-user="${guestName}"]`).waitFor();
    await screenshot(g, 'webinar-back-in-audience');

    for (const p of pages) expect(p.errors, `console errors on ${p.user.user.username}`).toEqual([]);
  }, 180_000);
});
