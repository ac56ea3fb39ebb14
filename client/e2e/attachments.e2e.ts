import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createRoom, openUserPage, registerUser, screenshot, useBrowserStack } from './harness';

/** A 64×48 PNG (ffmpeg's test pattern). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAEAAAAAwCAIAAAAuKetIAAAACXBIWXMAAAABAAAAAQBPJcTWAAABh0lEQVR4nO3WLzQEURTH8V+j0Wg0Go1Go9FoNBqNthqNRqPRaDQajUaj0Wi0L/vHzpnZd/c4O7Mzc9a9+87Z8Obdez9vZnafZATGqH/9fBLDWpG87ncELw8lbgwrrP7bAYIVMgHUV3QRYPeTGaBZKHtAI1EugFZDWkCUKC9AwpAKEEuUIyC2cR0DkrcyX0D06HYGCLxMuQPqbfxLQLByIQBsggkw+iwMYN2GHgXYfRYJCBp6EdCYKCWg1eCAsgGiibICEgYHOMABDnCAAxzgAAc4oDyA5nRpAcTDASUEqE3ZogG0RG16WEyKebEqtsWBOBM34kl86BM9o1t0jg5RBa2hBTSFRlBfdf2gGBezYllsij1xIq7Eg3irNvuK7tElOka7aAMtoRk0hgboF6NiWiyKdbEjjsSFuBMv4qu6/h09omt0ivbRFlpBc2gCDTnAAQ5wQMEAK2K/wcX9D0R1jfgTIJYoR0Bs41ICmulyAyRPAOkBtD1jZAsIHGEyAdRSq6sAY3/M+AZ0I5Jd3NcKtAAAAABJRU5ErkJggg==', 'base64');

/** Issue 21: files in chat across two real browsers — an image shows as a thumbnail, a file card downloads. */
describe('client e2e: chat attachments', () => {
  const e2e = useBrowserStack();
  const { pages } = e2e;

  it('A attaches an image and a text file; B sees the thumbnail and downloads the file', async () => {
    const [a, b] = await Promise.all([registerUser(e2e.stack), registerUser(e2e.stack)]);
    const room = await createRoom(e2e.stack, a!.accessToken, 'E2E files');
    const pa = await openUserPage(e2e.browser, e2e.stack, a!, { path: `/rooms/${room.id}` });
    const pb = await openUserPage(e2e.browser, e2e.stack, b!, { path: `/rooms/${room.id}` });
    pages.push(pa, pb);
    await pa.page.locator(`figure[data-user="${b!.user.username}"]`).waitFor();

    await pa.page.getByLabel('Attach files').setInputFiles([
      { name: 'photo.png', mimeType: 'image/png', buffer: PNG },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('minutes of the meeting\n') },
    ]);
    // Both uploaded (progress done) before sending.
    await expect.poll(() => pa.page.getByText('Ready').count(), { timeout: 15_000 }).toBe(2);
    await pa.page.getByLabel('Message').fill('see attached');
    await pa.page.getByRole('button', { name: 'Send' }).click();

    const thumb = pb.page.locator('img[alt="photo.png"]');
    await thumb.waitFor();
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:')), {
        timeout: 15_000,
      })
      .toBe(true);
    await screenshot(pb.page, 'chat-attachments-1280');

    const downloading = pb.page.waitForEvent('download');
    await pb.page.getByRole('button', { name: 'Download notes.txt' }).click();
    const file = await downloading;
    expect(file.suggestedFilename()).toBe('notes.txt');
    const saved = await file.path();
    expect(await readFile(saved, 'utf8')).toBe('minutes of the meeting\n');
  });
});
