/**
 * npm run bots:screenshot -- <dir-or-report.html> [out.png]
 * Opens a report.html in headless Chromium (CHROMIUM_PATH, default /usr/bin/chromium) with the
 * network cut off — proof the report needs nothing from outside — and saves a full-page PNG
 * (default: report.png beside it). Fails when a request leaves the file or no plot rendered.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export async function screenshotReport(htmlPath: string, pngPath: string): Promise<{ charts: number }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      outside.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    if (outside.length) throw new Error(`report requested outside resources: ${outside.join(', ')}`);
    const charts = await page.locator('svg path, svg rect[height]').count();
    await page.screenshot({ path: pngPath, fullPage: true });
    if (!charts) throw new Error('no plot elements rendered');
    return { charts: await page.locator('.grid svg').count() };
  } finally {
    await browser.close();
  }
}

const isMain =
  process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const base = process.env.INIT_CWD ?? process.cwd();
  const arg = process.argv[2];
  if (!arg) {
    console.error('usage: npm run bots:screenshot -- <bench-results/RUN | report.html> [out.png]');
    process.exit(2);
  }
  let html = path.resolve(base, arg);
  if (existsSync(html) && statSync(html).isDirectory()) html = path.join(html, 'report.html');
  const png = process.argv[3]
    ? path.resolve(base, process.argv[3])
    : path.join(path.dirname(html), 'report.png');
  try {
    const { charts } = await screenshotReport(html, png);
    console.log(`${png} (${charts} plots)`);
  } catch (err) {
    console.error(`screenshot failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
