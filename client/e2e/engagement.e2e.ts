import type { RoomDto } from '@minimeet/shared';
import { describe, expect, it } from 'vitest';
import { createRoom, openUserPage, registerUser, screenshot, useBrowserStack, type UserPage } from './harness';

/**
 * Issue 19 item 4 in real browsers: two participants raise their hands (the host sees the queue
 * in order and lowers one), a reaction shows on the sender's tile for the others and goes, the
 * host mutes everyone (the others see it), and with "join muted" set a new joiner arrives muted.
 * At most three pages at a time (2 cores).
 */
const CAMERA_TILES = 'figure[data-user][data-source="camera"]';

describe('client e2e: raise hand, reactions, mute everyone, join muted', () => {
  const e2e = useBrowserStack();
  const { pages } = e2e;

  it('hands queue in order for the host, reactions on tiles, mute everyone, join muted', async () => {
    const [owner, bob, carol, dave] = await Promise.all([0, 1, 2, 3].map(() => registerUser(e2e.stack)));
    const room = await createRoom(e2e.stack, owner!.accessToken, 'E2E all hands', 8);
    const path = `/rooms/${room.id}`;
    const ownerPage = await openUserPage(e2e.browser, e2e.stack, owner!, { path });
    const bobPage = await openUserPage(e2e.browser, e2e.stack, bob!, { path });
    const carolPage = await openUserPage(e2e.browser, e2e.stack, carol!, { path });
    pages.push(ownerPage, bobPage, carolPage);
    const o = ownerPage.page;
    const tileOf = (p: UserPage, name: string) => p.page.locator(`${CAMERA_TILES}[data-user="${name}"]`);
    for (const [p, others] of [
      [ownerPage, [bob!, carol!]],
      [bobPage, [owner!, carol!]],
      [carolPage, [owner!, bob!]],
    ] as const) {
      for (const u of others) await expect.poll(() => tileOf(p, u.user.username).getAttribute('data-mic'), { timeout: 30_000 }).toBe('on');
    }

    // Bob, then carol, raise their hands: the host sees the queue in that order, and hands on tiles.
    await bobPage.page.getByRole('button', { name: 'Raise hand' }).click();
    await bobPage.page.getByRole('button', { name: 'Lower hand' }).waitFor();
    await carolPage.page.getByRole('button', { name: 'Raise hand' }).click();
    await o.getByRole('button', { name: /Show participants/ }).click();
    const queue = o.getByRole('list', { name: 'Raised hands' });
    await expect
      .poll(() => queue.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-user'))))
      .toEqual([bob!.user.username, carol!.user.username]);
    await expect.poll(() => tileOf(ownerPage, carol!.user.username).getAttribute('data-hand')).toBe('2');
    await screenshot(o, 'engagement-hand-queue');
    // The host lowers bob's hand: carol moves up everywhere, bob's button says so.
    await queue.getByRole('button', { name: `Lower ${bob!.user.username}'s hand` }).click();
    await expect.poll(() => tileOf(bobPage, carol!.user.username).getAttribute('data-hand')).toBe('1');
    await bobPage.page.getByRole('button', { name: 'Raise hand' }).waitFor();

    // Carol reacts: the others see it on her tile, then it goes.
    await carolPage.page.getByRole('button', { name: 'Reactions' }).click();
    await carolPage.page.getByRole('button', { name: 'React 🎉' }).click();
    for (const p of [ownerPage, bobPage]) {
      await expect.poll(() => tileOf(p, carol!.user.username).getByTestId('reaction').textContent(), { timeout: 10_000 }).toBe('🎉');
    }
    await screenshot(bobPage.page, 'engagement-reaction');
    await tileOf(bobPage, carol!.user.username).getByTestId('reaction').waitFor({ state: 'detached', timeout: 10_000 });

    // Speaker view: one big tile playing video, the other person in the filmstrip; then back to the grid.
    await o.getByRole('button', { name: 'Speaker' }).click();
    const big = o.locator('.speaker__main figure video');
    await expect.poll(() => big.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => o.locator('.speaker__strip figure').count()).toBe(2);
    await screenshot(o, 'engagement-speaker-view');
    await o.getByRole('button', { name: 'Grid' }).click();

    // Phone width keeps the controls reachable.
    await carolPage.page.setViewportSize({ width: 390, height: 844 });
    await carolPage.page.getByRole('button', { name: 'Lower hand' }).waitFor();
    await screenshot(carolPage.page, 'engagement-390');

    // Mute everyone: bob and carol are told and show muted to the host; the host's own mic stays on.
    await o.getByRole('button', { name: 'Mute everyone' }).click();
    for (const p of [bobPage, carolPage]) {
      await p.page.getByText(/muted your microphone/).waitFor({ timeout: 15_000 });
      await p.page.getByRole('button', { name: 'Unmute microphone' }).waitFor();
    }
    for (const u of [bob!, carol!]) await tileOf(ownerPage, u.user.username).getByTestId('mic-off').waitFor({ timeout: 15_000 });
    await o.getByRole('button', { name: 'Mute microphone' }).waitFor();
    await screenshot(bobPage.page, 'engagement-muted-all');

    // Join muted: a new joiner (dave, in bob's place) arrives muted and the host sees it.
    await o.getByRole('checkbox', { name: /Join muted/ }).check();
    await expect
      .poll(async () => {
        const res = await fetch(`${e2e.stack.apiUrl}/api/rooms/${room.id}`, { headers: { authorization: `Bearer ${owner!.accessToken}` } });
        return ((await res.json()) as RoomDto).joinMuted;
      })
      .toBe(true);
    await bobPage.context.close();
    pages.splice(pages.indexOf(bobPage), 1);
    const davePage = await openUserPage(e2e.browser, e2e.stack, dave!, { path });
    pages.push(davePage);
    await davePage.page.getByText(/You joined muted/).waitFor({ timeout: 20_000 });
    await davePage.page.getByRole('button', { name: 'Unmute microphone' }).waitFor();
    await tileOf(ownerPage, dave!.user.username).waitFor({ timeout: 30_000 });
    await expect.poll(() => tileOf(ownerPage, dave!.user.username).getAttribute('data-camera'), { timeout: 30_000 }).toBe('on');
    expect(await tileOf(ownerPage, dave!.user.username).getAttribute('data-mic')).toBe('off');
    await screenshot(davePage.page, 'engagement-join-muted');
    // Dave may unmute himself; the host sees his mic on.
    await davePage.page.getByRole('button', { name: 'Unmute microphone' }).click();
    await expect.poll(() => tileOf(ownerPage, dave!.user.username).getAttribute('data-mic'), { timeout: 15_000 }).toBe('on');

    for (const p of pages) expect(p.errors, `console errors on ${p.user.user.username}`).toEqual([]);
  }, 240_000);
});
