import { describe, expect, it } from 'vitest';
import { createRoom, openUserPage, registerUser, screenshot, useBrowserStack } from './harness';

/** Phase 1: sign-in, lobby, call shell and chat across real browsers (no media assertions yet). */
describe('client e2e: lobby, call shell and chat', () => {
  const e2e = useBrowserStack();
  const { pages } = e2e;

  it('registers through the UI and shows field errors from the server', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${e2e.stack.baseUrl}/register`);
    await page.getByLabel('Username').fill('x!');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('.field__errors').first().waitFor();
    await screenshot(page, 'register-errors-1280');
    await page.getByLabel('Username').fill(`ui_${Date.now().toString(36)}`);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Rooms' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Rooms' }).waitFor();
    await context.close();
  });

  it('two users join a room, chat, and see each other', async () => {
    const [a, b] = await Promise.all([registerUser(e2e.stack), registerUser(e2e.stack)]);
    const room = await createRoom(e2e.stack, a!.accessToken, 'E2E stand-up');
    const pa = await openUserPage(e2e.browser, e2e.stack, a!, { path: `/rooms/${room.id}` });
    const pb = await openUserPage(e2e.browser, e2e.stack, b!, { path: `/rooms/${room.id}`, viewport: { width: 390, height: 844 } });
    pages.push(pa, pb);

    await pa.page.locator(`figure[data-user="${b!.user.username}"]`).waitFor();
    await pb.page.locator(`figure[data-user="${a!.user.username}"]`).waitFor();

    await pa.page.getByLabel('Message').fill('hello from a <b>bold</b>');
    await pa.page.getByLabel('Message').press('Enter');
    await pa.page.getByText('hello from a <b>bold</b>').waitFor();

    // Phone width: chat is a toggle with a badge.
    const toggle = pb.page.getByRole('button', { name: /Show chat \(1 unread\)/ });
    await toggle.waitFor();
    await screenshot(pb.page, 'call-390');
    await toggle.click();
    await pb.page.getByText('hello from a <b>bold</b>').waitFor();
    await screenshot(pb.page, 'call-chat-390');
    await screenshot(pa.page, 'call-1280');

    // Lobby shows the live count.
    const lobby = await openUserPage(e2e.browser, e2e.stack, a!, { path: '/' });
    pages.push(lobby);
    await lobby.page.getByRole('link', { name: 'Join E2E stand-up' }).waitFor();
    await expect.poll(() => lobby.page.getByTestId('participant-count').first().textContent(), { timeout: 15_000 }).toContain('2 / 8');
    await screenshot(lobby.page, 'lobby-1280');

    await pb.page.getByRole('button', { name: 'Leave call' }).click();
    await pb.page.getByRole('heading', { name: 'Rooms' }).waitFor();
    await expect.poll(() => pa.page.locator('figure[data-user]').count(), { timeout: 15_000 }).toBe(0);

    expect(pa.errors).toEqual([]);
    expect(pb.errors).toEqual([]);
  });
});
