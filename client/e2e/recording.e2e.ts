import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RecordingDto } from '@minimeet/shared';
import { HEARD_DB, freezes, frozenThroughout, meanVolumeDb } from '@minimeet/test-harness';
import { waitForCameraPlaying } from '@minimeet/test-hosts/chromium-pages';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createRoom, openUserPage, registerUser, screenshot, useBrowserStack } from './harness';

/**
 * Issue 21 acceptance in real browsers: a moderator records a call from the page, everyone in it
 * (and a late joiner) sees it is recorded, and afterwards the recordings page shows it being
 * processed, then ready, and its Download gives one file that plays with everyone's video and
 * audio (ffprobe: one stream each, as long as the recording; audio heard, picture moving). At
 * most three pages at a time (2 cores).
 */
const RECORD_FOR_MS = 10_000;

interface Probe {
  streams: Array<{ codec_type: string }>;
  format: { duration?: string };
}

function ffprobe(file: string): Probe {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type:format=duration', '-of', 'json', file], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as Probe;
}

/** Every `data-state` the recording's item on `page` takes, in order (watched in the page). */
async function watchStates(page: Page, recordingId: number): Promise<() => Promise<string[]>> {
  await page.evaluate((id) => {
    const seen: string[] = [];
    (window as unknown as { __recStates: string[] }).__recStates = seen;
    const note = () => {
      const state = document.querySelector(`[data-recording-id="${id}"]`)?.getAttribute('data-state');
      if (state && seen[seen.length - 1] !== state) seen.push(state);
    };
    note();
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  }, recordingId);
  return () => page.evaluate(() => (window as unknown as { __recStates: string[] }).__recStates);
}

describe('client e2e: recording a call', () => {
  const ctx = useBrowserStack();
  const downloads = mkdtempSync(path.join(tmpdir(), 'minimeet-rec-e2e-'));
  afterAll(() => rmSync(downloads, { recursive: true, force: true }));

  it('a moderator records, everyone sees it, the recording becomes ready and downloads as one playable file', async () => {
    const { stack, browser, pages } = ctx;
    const [owner, bob, carol] = await Promise.all([0, 1, 2].map(() => registerUser(stack)));
    const room = await createRoom(stack, owner!.accessToken, 'E2E recording');
    const callPath = `/rooms/${room.id}`;
    const ownerPage = await openUserPage(browser, stack, owner!, { path: callPath });
    const bobPage = await openUserPage(browser, stack, bob!, { path: callPath });
    pages.push(ownerPage, bobPage);
    const o = ownerPage.page;
    const b = bobPage.page;
    await waitForCameraPlaying(o, bob!.user.username, "bob's camera on the owner's page");
    await waitForCameraPlaying(b, owner!.user.username, "the owner's camera on bob's page");

    // Only the moderator has the button.
    expect(await b.getByRole('button', { name: 'Start recording' }).count()).toBe(0);
    await o.getByRole('button', { name: 'Start recording' }).click();
    for (const p of [o, b]) {
      await p.getByTestId('recording-indicator').waitFor({ timeout: 15_000 });
      await expect.poll(() => p.getByTestId('call-notice').textContent()).toContain('Recording started by');
    }
    expect(await b.getByTestId('recording-indicator').getAttribute('title')).toContain(`started by ${owner!.user.username}`);
    await screenshot(b, 'recording-indicator');
    await screenshot(o, 'recording-moderator-controls');

    // The recordings page, from the call (a new tab: the call goes on), shows it recording.
    const [list] = await Promise.all([ownerPage.context.waitForEvent('page'), o.getByRole('link', { name: 'Recordings' }).click()]);
    await list.getByRole('heading', { name: 'Recordings of E2E recording' }).waitFor();
    const item = list.locator('li.recording').first();
    await expect.poll(() => item.getAttribute('data-state'), { timeout: 10_000 }).toBe('recording');
    const recordingId = Number(await item.getAttribute('data-recording-id'));
    const statesSeen = await watchStates(list, recordingId);

    // A late joiner sees it at once, from the join answer.
    const carolPage = await openUserPage(browser, stack, carol!, { path: callPath });
    pages.push(carolPage);
    await carolPage.page.getByTestId('recording-indicator').waitFor({ timeout: 15_000 });
    await carolPage.context.close();

    await o.waitForTimeout(RECORD_FOR_MS);
    await o.getByRole('button', { name: 'Stop recording' }).click();
    await screenshot(o, 'recording-stop-confirm');
    await o.getByRole('group', { name: 'Confirm stopping the recording' }).getByRole('button', { name: 'Stop' }).click();
    for (const p of [o, b]) {
      await p.getByTestId('recording-indicator').waitFor({ state: 'detached', timeout: 15_000 });
      await expect.poll(() => p.getByTestId('call-notice').textContent()).toContain('Recording stopped.');
    }

    // Processing, then ready (the page refreshes by itself while it is pending).
    await expect
      .poll(() => item.getAttribute('data-state'), { timeout: 120_000, interval: 500 })
      .toMatch(/^(ready|failed)$/);
    if ((await item.getAttribute('data-state')) === 'failed') {
      await screenshot(list, 'recording-failed');
      throw new Error(`the recording failed: ${await item.locator('.recording__error').first().textContent()}`);
    }
    const states = await statesSeen();
    expect(states[0]).toBe('recording');
    expect(states).toContain('processing');
    expect(states[states.length - 1]).toBe('ready');
    await screenshot(list, 'recording-ready');

    const dto = (await (
      await fetch(`${stack.apiUrl}/api/recordings/${recordingId}`, { headers: { authorization: `Bearer ${owner!.accessToken}` } })
    ).json()) as RecordingDto;
    expect(dto.state).toBe('ready');

    // Download: the file the browser saves is the composite: one video, one audio stream, as long as the recording.
    const [download] = await Promise.all([
      list.waitForEvent('download', { timeout: 60_000 }),
      item.getByRole('button', { name: /^Download Recording of/ }).click(),
    ]);
    const file = path.join(downloads, download.suggestedFilename() || `recording-${recordingId}.webm`);
    await download.saveAs(file);
    expect(statSync(file).size).toBe(dto.sizeBytes);
    const probe = ffprobe(file);
    expect(probe.streams.filter((s) => s.codec_type === 'video')).toHaveLength(1);
    expect(probe.streams.filter((s) => s.codec_type === 'audio')).toHaveLength(1);
    const seconds = Number(probe.format.duration);
    expect(Math.abs(seconds - dto.durationMs / 1000)).toBeLessThanOrEqual(2);
    // What we waited between start and stop, give or take the clicks' round trips.
    expect(dto.durationMs).toBeGreaterThanOrEqual(RECORD_FOR_MS);
    // Both callers' cameras and microphones went into it...
    for (const who of [owner!, bob!]) {
      expect(dto.tracks.filter((t) => t.userId === who.user.id).map((t) => t.kind).sort()).toEqual(['audio', 'video']);
    }
    // ...and it plays as the call did: heard (the fake microphones beep) and moving (the fake cameras).
    expect(await meanVolumeDb(file, 1, seconds - 2)).toBeGreaterThan(HEARD_DB);
    expect(frozenThroughout(await freezes(file, { minSeconds: 1 }), 1, seconds - 1)).toBe(false);

    // And it plays in the page.
    await item.getByRole('button', { name: 'Play' }).click();
    const video = item.locator('video');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState >= 1 && v.videoWidth > 0), { timeout: 30_000 }).toBe(true);
    await list.close();
  }, 300_000);
});
