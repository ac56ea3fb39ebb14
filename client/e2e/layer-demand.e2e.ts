import type { AdminStatsSnapshot, AuthResponse, ProducerLayerStats } from '@minimeet/shared';
import { requestOverSocket } from '@minimeet/media-session';
import { LightReceiver } from '@minimeet/webrtc-peer';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  createAdmin,
  createRoom,
  E2E_PASSWORD,
  openUserPage,
  registerUser,
  startStack,
  uniqueUsername,
  type Stack,
  type UserPage,
} from './harness';

/**
 * Issue 19 item 3, "layers nobody consumes stop", with a real simulcast sender: Chromium publishes
 * its camera in three simulcast layers (r0, r1, r2): its built-in 1280×720 fake camera, not the
 * 640×360 clip of the other tests (at 360p Chromium sends two layers only). What arrives of each layer at the SFU is read
 * from the producer's own per-encoding stats (GET /api/admin/stats, `layers`):
 * - nobody watches the camera: the browser is told no layer is wanted and no layer arrives;
 * - a viewer (a light receiver) wants the full size: the upper layers arrive again;
 * - the viewer asks for the smallest layer only (setConsumerLayers 0): only r0 keeps arriving;
 * - the viewer leaves: nothing arrives.
 */
describe('client e2e: a simulcast sender uploads only the layers someone consumes', () => {
  let stack: Stack;
  let browser: Browser;
  const pages: UserPage[] = [];
  let viewer: LightReceiver | undefined;
  beforeAll(async () => {
    stack = await startStack({ env: { ADMIN_STATS_INTERVAL_MS: '500' } });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => {
    await viewer?.close();
    for (const p of pages) await p.context.close().catch(() => {});
    await browser?.close();
    await stack?.stop();
  });

  it('no viewer: no layer; full-size viewer: upper layers; small viewer: r0 only; viewer gone: none', async () => {
    const admin: AuthResponse = await createAdmin(stack);
    const alice = await registerUser(stack);
    const room = await createRoom(stack, alice.accessToken, 'E2E layers', 4);
    const alicePage = await openUserPage(browser, stack, alice, { path: `/rooms/${room.id}` });
    pages.push(alicePage);

    const cameraLayers = async (): Promise<ProducerLayerStats[] | undefined> => {
      const res = await fetch(`${stack.apiUrl}/api/admin/stats`, { headers: { authorization: `Bearer ${admin.accessToken}` } });
      const snapshot = (await res.json()) as AdminStatsSnapshot;
      const peer = snapshot.rooms.find((r) => r.id === room.id)?.peers.find((p) => p.userId === alice.user.id);
      return peer?.producers.find((p) => p.source === 'camera')?.layers;
    };
    /** The RIDs whose packets grow over ~1.5 s at the SFU, sorted. */
    let seen = '';
    const arriving = async (): Promise<string[]> => {
      const before = (await cameraLayers()) ?? [];
      await new Promise((r) => setTimeout(r, 1500));
      const after = (await cameraLayers()) ?? [];
      seen = JSON.stringify(after);
      // Stats missing (not read this time) must not pass for "nothing arrives".
      if (before.length < 3 || after.length < 3) return ['stats missing'];
      return after
        .filter((l) => l.packetCount > (before.find((b) => b.ssrc === l.ssrc)?.packetCount ?? Number.POSITIVE_INFINITY))
        .map((l) => l.rid ?? String(l.ssrc))
        .sort();
    };
    const until = async (check: (rids: string[]) => boolean, what: string) => {
      const deadline = Date.now() + 45_000;
      let rids: string[] = [];
      while (Date.now() < deadline) {
        rids = await arriving();
        if (check(rids)) return rids;
      }
      throw new Error(`${what}: arriving ${JSON.stringify(rids)}; layers ${seen}`);
    };

    // The camera is published in three layers, which the SFU has seen.
    await expect.poll(async () => (await cameraLayers())?.length ?? 0, { timeout: 30_000 }).toBe(3);
    // Nobody consumes it: after the drop delay the browser disables every encoding.
    await until((rids) => rids.length === 0, 'nobody watches: no layer');

    viewer = new LightReceiver({ url: stack.apiUrl, roomId: room.id, username: uniqueUsername('viewer'), password: E2E_PASSWORD });
    await viewer.start();
    // A viewer with no layer preference wants the top one: the layers above r0 arrive again.
    await until((rids) => rids.includes('r2') || rids.includes('r1'), 'full-size viewer: upper layers');

    // The viewer's tile is small: layer 0 only; after the drop delay r1 and r2 stop.
    const stream = viewer.openStreams().find((s) => s.kind === 'video' && s.userId === alice.user.id);
    expect(stream).toBeDefined();
    await requestOverSocket(viewer.socket!, 'setConsumerLayers', { consumerId: stream!.consumerId, spatialLayer: 0 }, 5000);
    expect(await until((rids) => rids.length === 1, 'small viewer: r0 only')).toEqual(['r0']);

    await viewer.close();
    viewer = undefined;
    await until((rids) => rids.length === 0, 'viewer gone: no layer');
    expect(alicePage.errors).toEqual([]);
  }, 240_000);
});
