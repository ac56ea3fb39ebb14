import { describe, expect, it } from 'vitest';
import {
  cameraAdvancing,
  createRoom,
  openUserPage,
  passPreJoin,
  registerUser,
  useBrowserStack,
  type UserPage,
} from './harness';

/**
 * A socket drop in the middle of a call (a network blip): the page rejoins the room on a new
 * socket, keeps its media (the server kept its transports) and catches up with what it missed.
 */

/** Runs in the page before the app: keeps its WebSockets so the test can drop the app's socket. */
function keepWebSockets(): void {
  const Native = window.WebSocket;
  const sockets: WebSocket[] = [];
  Object.assign(window, { e2eWebSockets: sockets });
  window.WebSocket = class extends Native {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      sockets.push(this);
    }
  };
}

/** Closes the page's open WebSockets as a lost connection would. */
function dropWebSockets(): void {
  const sockets = (window as unknown as { e2eWebSockets: WebSocket[] }).e2eWebSockets;
  sockets.filter((ws) => ws.readyState === WebSocket.OPEN).forEach((ws) => ws.close());
}

describe('client e2e: socket reconnect during a call', () => {
  const e2e = useBrowserStack();
  const { pages } = e2e;

  it('a dropped socket rejoins the call: a screen share started meanwhile shows up, cameras keep playing, a mute still reaches the other', async () => {
    const [alice, bob] = await Promise.all([registerUser(e2e.stack), registerUser(e2e.stack)]);
    const room = await createRoom(e2e.stack, alice!.accessToken, 'E2E reconnect');
    const a = await openUserPage(e2e.browser, e2e.stack, alice!, { path: `/rooms/${room.id}` });
    const b = await openUserPage(e2e.browser, e2e.stack, bob!, { path: '/' });
    pages.push(a, b);
    await b.context.addInitScript(keepWebSockets);
    let bobJoins = 0;
    b.page.on('websocket', (ws) =>
      ws.on('framesent', (f) => {
        if (typeof f.payload === 'string' && f.payload.includes('["joinRoom"')) bobJoins++;
      }),
    );
    await b.page.goto(`${e2e.stack.baseUrl}/rooms/${room.id}`);
    await passPreJoin(b.page);
    const aliceName = alice!.user.username;
    const bobName = bob!.user.username;

    await expect.poll(() => cameraAdvancing(a.page, bobName), { timeout: 45_000 }).toBe(true);
    await expect.poll(() => cameraAdvancing(b.page, aliceName), { timeout: 45_000 }).toBe(true);
    expect(bobJoins).toBe(1);

    // Bob goes offline; meanwhile alice starts sharing her screen, which bob's socket misses.
    await b.context.setOffline(true);
    // Offline emulation may close the socket itself; if not, it is closed here.
    await b.page.evaluate(dropWebSockets);
    await b.page.getByTestId('reconnecting-banner').waitFor({ timeout: 10_000 });
    await a.page.getByRole('button', { name: 'Share screen' }).click();
    await a.page.getByRole('button', { name: 'Stop sharing' }).waitFor();
    await b.page.waitForTimeout(3000);
    expect(bobJoins).toBe(1);

    // Back online within the presence grace: bob rejoins and his media session catches up.
    await b.context.setOffline(false);
    await expect.poll(() => bobJoins, { timeout: 20_000 }).toBe(2);
    await b.page.getByTestId('reconnecting-banner').waitFor({ state: 'detached', timeout: 20_000 });
    await b.page.getByRole('heading', { name: 'E2E reconnect' }).waitFor();
    const aliceScreen = `figure[data-user="${aliceName}"][data-source="screen"] video`;
    const screenWidth = () =>
      b.page.evaluate((sel) => document.querySelector<HTMLVideoElement>(sel)?.videoWidth ?? 0, aliceScreen);
    await expect.poll(screenWidth, { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => cameraAdvancing(a.page, bobName), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => cameraAdvancing(b.page, aliceName), { timeout: 30_000 }).toBe(true);

    const bobOnAlice = a.page.locator(`figure[data-user="${bobName}"][data-source="camera"]`);
    await expect.poll(() => bobOnAlice.getAttribute('data-mic'), { timeout: 15_000 }).toBe('on');
    await b.page.getByRole('button', { name: 'Mute microphone' }).click();
    await bobOnAlice.getByTestId('mic-off').waitFor({ timeout: 15_000 });

    // The e2e.browser itself logs the reconnect attempts made while offline; nothing else may be logged.
    const unexpected = (p: UserPage) => p.errors.filter((e) => !e.includes('net::ERR_INTERNET_DISCONNECTED'));
    for (const p of pages) expect(unexpected(p), `console errors on ${p.user.user.username}`).toEqual([]);
  }, 120_000);
});
