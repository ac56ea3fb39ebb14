import type { AdminStatsSnapshot, AuthResponse, RoomBanDto, RoomDto } from '@minimeet/shared';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, createRoom, launchBrowser, openUserPage, passPreJoin, registerUser, screenshot, startStack, type Stack, type UserPage } from './harness';

/**
 * Issue 11 item 5 in real browsers: the owner makes the room private and hands out the invite
 * link read from the page, mutes, removes, locks and ends the call; each affected person sees why,
 * and the server's state (REST) agrees. At most three pages at a time (2 cores).
 */
const ADMIN = 'mod_e2e_admin';
const CAMERA_TILES = 'figure[data-user][data-source="camera"]';

describe('client e2e: private rooms and moderation', () => {
  let stack: Stack;
  let browser: Browser;
  let admin: AuthResponse;
  const pages: UserPage[] = [];

  async function get<T>(path: string, token: string): Promise<T> {
    const res = await fetch(`${stack.apiUrl}/api${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    stack = await startStack({ env: { ADMIN_STATS_INTERVAL_MS: '500' } });
    browser = await launchBrowser();
    admin = await createAdmin(stack, ADMIN);
  });
  afterAll(async () => {
    for (const p of pages) await p.context.close().catch(() => {});
    await browser?.close();
    await stack?.stop();
  });

  it('owner: private room + invite link, mute, remove, lock, end call; everyone sees why', async () => {
    const [owner, bob, carol, dave] = await Promise.all([0, 1, 2, 3].map(() => registerUser(stack)));
    const room = await createRoom(stack, owner!.accessToken, 'E2E moderation', 8);
    const path = `/rooms/${room.id}`;
    const ownerPage = await openUserPage(browser, stack, owner!, { path });
    const bobPage = await openUserPage(browser, stack, bob!, { path });
    pages.push(ownerPage, bobPage);
    const o = ownerPage.page;
    await o.getByRole('heading', { name: 'E2E moderation' }).waitFor();

    // Private, from the host controls in the participants panel.
    await o.getByRole('button', { name: /Show participants/ }).click();
    await o.getByRole('checkbox', { name: /Private room/ }).check();
    await expect.poll(async () => (await get<RoomDto>(`/rooms/${room.id}`, owner!.accessToken)).visibility).toBe('private');
    const listedForDave = await get<RoomDto[]>('/rooms', dave!.accessToken);
    expect(listedForDave.map((r) => r.id)).not.toContain(room.id);

    // Invite link, as the page shows and copies it.
    const linkBox = o.getByRole('textbox', { name: 'Invite link' });
    await expect.poll(() => linkBox.inputValue()).toContain('?invite=');
    const link = await linkBox.inputValue();
    await ownerPage.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.baseUrl });
    await o.getByRole('button', { name: 'Copy invite link' }).click();
    await o.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await o.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await screenshot(o, 'moderation-host-controls');

    // Carol: refused without the link, in with it.
    const carolPage = await openUserPage(browser, stack, carol!, { path });
    pages.push(carolPage);
    const c = carolPage.page;
    // A private room answers like a missing one (no enumeration): the page says both.
    await c.getByText(/is private: open it with its invite link/).waitFor();
    await screenshot(c, 'moderation-private-refused');
    await c.goto(link);
    await passPreJoin(c);
    await c.getByRole('heading', { name: 'E2E moderation' }).waitFor();
    await o.locator(`.people__item[data-user="${carol!.user.username}"]`).waitFor();

    // Mute bob's mic: bob is told, the others see his mic off, the server has his producer paused.
    const bobTileFor = (p: UserPage) => p.page.locator(`${CAMERA_TILES}[data-user="${bob!.user.username}"]`);
    for (const p of [ownerPage, carolPage]) {
      await expect.poll(() => bobTileFor(p).getAttribute('data-mic'), { timeout: 30_000 }).toBe('on');
    }
    await o.getByRole('button', { name: `Mute ${bob!.user.username}'s microphone` }).click();
    await bobPage.page.getByText(/muted your microphone/).waitFor();
    await bobPage.page.getByRole('button', { name: 'Unmute microphone' }).waitFor();
    for (const p of [ownerPage, carolPage]) await bobTileFor(p).getByTestId('mic-off').waitFor({ timeout: 15_000 });
    await expect
      .poll(async () => {
        const stats = await get<AdminStatsSnapshot>('/admin/stats', admin.accessToken);
        const peer = stats.rooms.find((r) => r.id === room.id)?.peers.find((x) => x.userId === bob!.user.id);
        return peer?.producers.find((x) => x.source === 'mic')?.paused;
      })
      .toBe(true);
    await screenshot(bobPage.page, 'moderation-muted');

    // Remove bob: he is told by whom and is out; the others' lists drop him; the server lists the ban.
    await o.getByRole('button', { name: `Remove ${bob!.user.username} from the room` }).click();
    await bobPage.page.getByText(`You were removed from this room by ${owner!.user.username}.`).waitFor();
    await screenshot(bobPage.page, 'moderation-removed');
    await o.locator(`.people__item[data-user="${bob!.user.username}"]`).waitFor({ state: 'detached' });
    await bobTileFor(carolPage).waitFor({ state: 'detached' });
    const bans = await get<RoomBanDto[]>(`/rooms/${room.id}/bans`, owner!.accessToken);
    expect(bans.map((b) => b.userId)).toEqual([bob!.user.id]);
    await bobPage.context.close();
    pages.splice(pages.indexOf(bobPage), 1);

    // Lock: a new joiner with the invite link is told the room is locked.
    await o.getByRole('checkbox', { name: /Lock room/ }).check();
    await expect.poll(async () => (await get<RoomDto>(`/rooms/${room.id}`, owner!.accessToken)).locked).toBe(true);
    const davePage = await openUserPage(browser, stack, dave!, { path: new URL(link).pathname + new URL(link).search });
    pages.push(davePage);
    await davePage.page.getByText('This room is locked: nobody new can join right now.').waitFor();
    await screenshot(davePage.page, 'moderation-locked');
    await davePage.context.close();
    pages.splice(pages.indexOf(davePage), 1);

    // End the call for everyone: both pages say so; nobody is left on the server.
    await o.getByRole('button', { name: 'End call for everyone' }).click();
    await o.getByRole('button', { name: 'Yes, end it' }).click();
    for (const p of [o, c]) await p.getByRole('heading', { name: 'The host ended the call' }).waitFor();
    await screenshot(c, 'moderation-call-ended');
    const after = await get<RoomDto>(`/rooms/${room.id}`, owner!.accessToken);
    expect(after.participantCount).toBe(0);
  }, 180_000);
});
