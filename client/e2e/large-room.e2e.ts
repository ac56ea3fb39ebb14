import type { AdminStatsSnapshot, AuthResponse } from '@minimeet/shared';
import { waitForCameraPlaying } from '@minimeet/test-hosts/chromium-pages';
import { requestOverSocket } from '@minimeet/media-session';
import { LightReceiver, MiniMeetPeer } from '@minimeet/webrtc-peer';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdmin, createRoom, openUserPage, registerUser, screenshot, uniqueUsername, useBrowserStack, type UserPage } from './harness';

/**
 * Issue 19 "Tests", second line: a room of 30 in real browsers. 9 werift senders (camera + mic),
 * 18 light receivers (ICE/DTLS, headers only) and 3 Chromium pages (cameras off: the machine's two
 * cores are shared, and the senders are what the pages must show). Senders and receivers join
 * interleaved (S L L …), so every grid page holds some video whatever its size.
 * - a wide page shows its page of tiles playing, and the server (admin stats) holds video
 *   consumers for exactly the cameras that page shows; → moves to the next page, whose cameras
 *   then play and whose consumers replace the old ones (paused at once, closed after a delay);
 * - in speaker view, the sender that starts speaking (RFC 6464 level from the werift clip) takes
 *   the big tile, playing; the page still consumes only what it shows;
 * - a phone-width page pages by 4 with its controls on screen;
 * - 27 raised hands: the host's queue in order, the participant list still on screen.
 */
const SENDERS = 9;
const RECEIVERS = 18;
const PAGES = 3;
const ROOM_SIZE = SENDERS + RECEIVERS + PAGES;
const LOUD_DBOV = -20;
/** The media session closes an unshown consumer 8 s after its tile went (CLOSE_UNSHOWN_AFTER_MS), plus stats ticks. */
const CONSUMERS_SETTLE_MS = 25_000;

/**
 * The usernames of the remote camera tiles `page` shows now: on its grid page (or spotlight and
 * filmstrip) and on screen, as the tiles' IntersectionObserver sees them (a phone's column of 4
 * scrolls: its last tile starts below the fold).
 */
function shownUsers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const stage = document.querySelector('section[aria-label="Video"]')!.getBoundingClientRect();
    const figures = [...document.querySelectorAll<HTMLElement>('section[aria-label="Video"] figure[data-source="camera"]:not([data-local])')];
    return figures
      .filter((f) => {
        const r = f.getBoundingClientRect();
        const w = Math.min(r.right, stage.right, window.innerWidth) - Math.max(r.left, stage.left, 0);
        const h = Math.min(r.bottom, stage.bottom, window.innerHeight) - Math.max(r.top, stage.top, 0);
        return w > 0 && h > 0 && (w * h) / (r.width * r.height) >= 0.05;
      })
      .map((f) => f.dataset.user ?? '');
  });
}

describe('client e2e: a room of 30 (paged grid, receive what you show, speaker view, phone width)', () => {
  const e2e = useBrowserStack({ env: { ADMIN_STATS_INTERVAL_MS: '500', AUDIO_LOUDEST_K: '3' } });
  const { pages } = e2e;
  const peers: Array<MiniMeetPeer | LightReceiver> = [];
  const peerErrors: string[] = [];
  const pageLogs: string[] = [];
  afterAll(async () => {
    if (pageLogs.length) console.log(`[large-room] page logs:\n${pageLogs.join('\n')}`);
    for (const p of peers) await p.close().catch(() => {});
  });

  it('each page plays its page of tiles, consumes only what it shows, pages on, and spotlights the speaker', async () => {
    const { stack, browser } = e2e;
    const admin = await createAdmin(stack);
    // Tiles are ordered by username (the roster's order): names that sort in join order.
    const browserUsers: AuthResponse[] = [];
    for (let i = 0; i < PAGES; i++) browserUsers.push(await registerUser(stack, uniqueUsername(`a${i}page`)));
    const botUsers: Array<{ user: AuthResponse; sends: boolean }> = [];
    for (let i = 0; i < SENDERS + RECEIVERS; i++) {
      const sends = i % 3 === 0;
      const name = `b${String(i).padStart(2, '0')}${sends ? 'cam' : 'viewer'}`;
      botUsers.push({ user: await registerUser(stack, uniqueUsername(name)), sends });
    }
    const senderNames = new Set(botUsers.filter((b) => b.sends).map((b) => b.user.user.username));
    const room = await createRoom(stack, browserUsers[0]!.accessToken, 'E2E room of 30', ROOM_SIZE);
    const path = `/rooms/${room.id}`;

    const wide = await openUserPage(browser, stack, browserUsers[0]!, { path });
    const speaker = await openUserPage(browser, stack, browserUsers[1]!, { path });
    const phone = await openUserPage(browser, stack, browserUsers[2]!, { path, viewport: { width: 390, height: 844 } });
    pages.push(wide, speaker, phone);
    for (const p of pages) {
      p.page.on('console', (m) => {
        if (m.type() === 'warning' || m.type() === 'error') pageLogs.push(`[${p.user.user.username}] ${m.type()}: ${m.text()}`);
      });
    }
    // At phone width the chat panel covers the stage: closed, as a phone user would.
    const hideChat = phone.page.getByRole('button', { name: 'Hide chat' });
    await phone.page.getByRole('toolbar', { name: 'Call controls' }).waitFor({ timeout: 30_000 });
    if (await hideChat.isVisible()) await hideChat.click();
    for (const p of pages) {
      await p.page.getByRole('button', { name: 'Turn camera off' }).click({ timeout: 30_000 });
      await p.page.getByRole('button', { name: 'Turn camera on' }).waitFor();
    }

    const senders: Array<{ peer: MiniMeetPeer; name: string }> = [];
    for (const b of botUsers) {
      const opts = { url: stack.apiUrl, roomId: room.id, token: b.user.accessToken };
      if (b.sends) {
        const peer = new MiniMeetPeer({ ...opts, consume: false });
        peer.on('error', (err) => peerErrors.push(`${b.user.user.username}: ${err.message}`));
        peers.push(peer);
        senders.push({ peer, name: b.user.user.username });
        await peer.start();
      } else {
        const r = new LightReceiver({ ...opts, showsVideo: () => false });
        r.on('error', (err) => peerErrors.push(`${b.user.user.username}: ${err.message}`));
        peers.push(r);
        await r.start();
      }
    }
    for (const p of pages) await expect.poll(() => p.page.locator('section[aria-label="Video"]').getAttribute('data-count'), { timeout: 30_000 }).toBe(String(ROOM_SIZE));

    /** Camera producer id → its sender's username, from the server's own view. */
    const stats = async () => {
      const res = await fetch(`${stack.apiUrl}/api/admin/stats`, { headers: { authorization: `Bearer ${admin.accessToken}` } });
      const snapshot = (await res.json()) as AdminStatsSnapshot;
      const r = snapshot.rooms.find((x) => x.id === room.id);
      if (!r) throw new Error('room not in the admin stats');
      return r;
    };
    /**
     * What `user`'s peer holds on the server: video consumers (resumed ones, and all, paused
     * included) by whose camera they carry; and who has a camera producer at all (paused ones
     * included: the pages' cameras are off).
     */
    const videoConsumed = async (user: AuthResponse) => {
      const r = await stats();
      const owner = new Map(r.peers.flatMap((p) => p.producers.map((pr) => [pr.id, p.username] as const)));
      const mine = r.peers.find((p) => p.userId === user.user.id)?.consumers.filter((c) => c.kind === 'video') ?? [];
      const names = (cs: typeof mine) => cs.map((c) => owner.get(c.producerId) ?? c.producerId).sort();
      const cameras = new Set(r.peers.filter((p) => p.producers.some((pr) => pr.source === 'camera')).map((p) => p.username));
      return { resumed: names(mine.filter((c) => !c.paused)), all: names(mine), cameras };
    };
    /** waitForCameraPlaying, failing with what the server says of that consumer. */
    const playing = async (p: UserPage, username: string, what: string) =>
      waitForCameraPlaying(p.page, username, what, 30_000).catch(async (err: unknown) => {
        const r = await stats();
        const producer = r.peers.find((x) => x.username === username)?.producers.find((x) => x.source === 'camera');
        const consumer = r.peers.find((x) => x.userId === p.user.user.id)?.consumers.find((c) => c.producerId === producer?.id);
        throw new Error(`${String(err)}; server: producer ${JSON.stringify(producer)}; consumer ${JSON.stringify(consumer)}`);
      });
    /**
     * The page shows cameras playing for the senders on it, and the server holds video consumers
     * for exactly the cameras of the tiles it shows (a shown page's camera that is off included).
     */
    const expectShowsAndConsumesItsPage = async (p: UserPage, what: string) => {
      const shown = await shownUsers(p.page);
      const shownSenders = shown.filter((u) => senderNames.has(u)).sort();
      console.log(`[large-room] ${what}: shows ${shown.join(' ')}`);
      expect(shownSenders.length, `${what}: senders among ${shown.join()}`).toBeGreaterThan(0);
      for (const u of shownSenders) await playing(p, u, what);
      await expect
        .poll(
          async () => {
            const c = await videoConsumed(p.user);
            const expected = shown.filter((u) => c.cameras.has(u)).sort();
            return { resumed: c.resumed, all: c.all, expected };
          },
          { timeout: CONSUMERS_SETTLE_MS, message: `${what}: video consumers of the shown cameras only` },
        )
        .toSatisfy(({ resumed, all, expected }) => expected.length > 0 && resumed.join() === expected.join() && all.join() === expected.join());
      return shownSenders;
    };

    // The wide page: its first page plays, and it consumes exactly those cameras.
    const w = wide.page;
    const pageSize = Number(await w.locator('section[aria-label="Video"]').getAttribute('data-page-size'));
    expect(pageSize).toBeGreaterThanOrEqual(9);
    await expect.poll(() => w.locator('section[aria-label="Video"] figure').count()).toBe(pageSize);
    const firstPage = await expectShowsAndConsumesItsPage(wide, 'wide page 1');
    await w.getByText(`Page 1 of ${Math.ceil(ROOM_SIZE / pageSize)}`).waitFor();
    await screenshot(w, 'large-room-grid-page1');

    // → moves to page 2: other people, their cameras play, the consumers follow.
    await w.keyboard.press('ArrowRight');
    await w.getByText(`Page 2 of ${Math.ceil(ROOM_SIZE / pageSize)}`).waitFor();
    const secondPage = await expectShowsAndConsumesItsPage(wide, 'wide page 2');
    expect(secondPage.filter((u) => firstPage.includes(u))).toEqual([]);
    await screenshot(w, 'large-room-grid-page2');

    // Speaker view: the pages' own microphones off (Chromium's fake beep would compete), the last
    // sender speaks up and takes the big tile, playing.
    for (const p of pages) {
      await p.page.getByRole('button', { name: 'Mute microphone' }).click();
      await p.page.getByRole('button', { name: 'Unmute microphone' }).waitFor();
    }
    const s = speaker.page;
    await s.getByRole('button', { name: 'Speaker' }).click();
    const loud = senders.at(-1)!.peer;
    const loudName = senders.at(-1)!.name;
    // Speech, not a steady tone (which the router's speaker observer takes for the noise floor).
    for (const sender of senders) sender.peer.player.speechLike = true;
    loud.player.audioLevelDbov = LOUD_DBOV;
    const big = s.locator('.speaker__main figure');
    await expect.poll(() => big.getAttribute('data-user'), { timeout: 30_000 }).toBe(loudName);
    await playing(speaker, loudName, 'speaker view big tile');
    await screenshot(s, 'large-room-speaker');
    const spotlit = await expectShowsAndConsumesItsPage(speaker, 'speaker view');
    expect(spotlit).toContain(loudName);
    // The speaker goes quiet, another speaks: the big tile follows.
    loud.player.audioLevelDbov = -127;
    const next = senders[1]!;
    next.peer.player.audioLevelDbov = LOUD_DBOV;
    await expect.poll(() => big.getAttribute('data-user'), { timeout: 30_000 }).toBe(next.name);
    await playing(speaker, next.name, 'speaker view, next speaker');
    next.peer.player.audioLevelDbov = -127;

    // Phone width: 4 tiles a page, controls on screen, the next page reachable and playing.
    const ph = phone.page;
    await expect.poll(() => ph.locator('section[aria-label="Video"]').getAttribute('data-page-size')).toBe('4');
    await expect.poll(() => ph.locator('section[aria-label="Video"] figure').count()).toBe(4);
    for (const name of ['Unmute microphone', 'Turn camera on', 'Raise hand', 'Leave call']) {
      const box = await ph.getByRole('button', { name, exact: true }).boundingBox();
      expect(box, `${name} is laid out`).not.toBeNull();
      expect(box!.x >= 0 && box!.x + box!.width <= 390 && box!.y >= 0 && box!.y + box!.height <= 844, `${name} on screen: ${JSON.stringify(box)}`).toBe(true);
    }
    // The page's column scrolls: its last tile (a sender) comes into view and its video follows.
    const lastTile = ph.locator('section[aria-label="Video"] figure').last();
    await lastTile.scrollIntoViewIfNeeded();
    expect(await shownUsers(ph)).toContain(await lastTile.getAttribute('data-user'));
    await expectShowsAndConsumesItsPage(phone, 'phone page 1 scrolled');
    await ph.getByRole('button', { name: 'Next page', exact: true }).click();
    await ph.getByText(`Page 2 of ${Math.ceil(ROOM_SIZE / 4)}`).waitFor();
    await expectShowsAndConsumesItsPage(phone, 'phone page 2');
    await screenshot(ph, 'large-room-390');

    // 27 hands go up (every bot, in join order): the host's queue keeps that order, stays a
    // bounded list, and the search and participant list below it stay on screen.
    for (const b of peers) await requestOverSocket(b.socket!, 'raiseHand', { roomId: room.id }, 10_000);
    await w.getByRole('button', { name: `Show participants (${ROOM_SIZE})` }).click();
    const queue = w.getByRole('list', { name: 'Raised hands' });
    await expect
      .poll(() => queue.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-user'))), { timeout: 15_000 })
      .toEqual(botUsers.map((b) => b.user.user.username));
    await screenshot(w, 'large-room-hands');
    // The queue scrolls on its own (bounded), so the list below it is a short scroll away.
    const queueBox = await queue.evaluate((el) => ({ height: el.clientHeight, scrolls: el.scrollHeight > el.clientHeight + 1 }));
    expect(queueBox.height).toBeLessThanOrEqual(200);
    expect(queueBox.scrolls).toBe(true);
    const searchBox = w.getByRole('searchbox', { name: 'Search participants' });
    await searchBox.scrollIntoViewIfNeeded();
    await searchBox.fill('a1page');
    await w.getByRole('list', { name: 'Participants' }).getByText(browserUsers[1]!.user.username).waitFor();
    await searchBox.fill('');
    const firstShown = (await shownUsers(w)).find((u) => botUsers.some((b) => b.user.user.username === u))!;
    const place = botUsers.findIndex((b) => b.user.user.username === firstShown) + 1;
    expect(await w.locator(`figure[data-user="${firstShown}"]`).getAttribute('data-hand')).toBe(String(place));

    expect(peerErrors).toEqual([]);
    for (const p of pages) expect(p.errors, `console errors on ${p.user.user.username}`).toEqual([]);
  }, 420_000);
});
