// The bot CLI end to end against the real built server: a short run (2 rooms × 2 bots, 10 s,
// chat on) must pass, exit 0, and write a report whose summary says what the issue asks.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAdmin,
  createTestDatabase,
  startServer,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';
import { DEFAULTS } from '../src/options.js';
import type { BotReport } from '../src/report-types.js';

const SCRIPTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = pathToFileURL(
  path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs'),
).href;

function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, 'bots/src/cli.ts', ...args], {
      cwd: SCRIPTS,
      env: { ...process.env, INIT_CWD: SCRIPTS },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm run bots', () => {
  let server: ServerProcess;
  let db: TestDatabase;
  let out: string;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    // The admin the run reads /api/admin/stats as (its password: the bots' default).
    await createAdmin(db.url, 'botadmin', DEFAULTS.password);
    server = await startServer({ env: { DATABASE_URL: db.url, LOG_LEVEL: 'warn' } });
    out = mkdtempSync(path.join(os.tmpdir(), 'minimeet-bots-'));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('2 rooms × 2 bots for 10 s with chat: every stream and message arrives, reports are written', async () => {
    const run = await cli([
      ...['--url', server.url, '--rooms', '2', '--peers', '2', '--duration', '10', '--chat', '1/s'],
      ...['--admin-user', 'botadmin', '--out', out, '--no-progress'],
    ]);
    expect(run.out).toContain('PASS');
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/join ack\s+\d/);

    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as BotReport;
    const s = report.summary;
    expect(s.bots).toBe(4);
    expect(s.botsJoined).toBe(4);
    expect(s.expectedStreams).toBe(8); // 2 rooms × 2 receivers × 1 sender × (audio + video)
    expect(s.receivedStreams).toBe(8);
    expect(report.missingStreams).toEqual([]);
    expect(s.expectedPackets).toBeGreaterThan(0);
    expect(s.lossPercent).toBeGreaterThanOrEqual(0);
    for (const p of [s.joinMs, s.firstRtpMs]) {
      expect(p.p50).toEqual(expect.any(Number));
      expect(p.p95).toEqual(expect.any(Number));
      expect(p.p99).toEqual(expect.any(Number));
    }
    expect(s.joinMs.count).toBe(4);
    expect(s.firstRtpMs.count).toBe(8);
    // Every bot sent ~1 message a second; each reached both members of its room once.
    expect(s.chat.sent).toBeGreaterThan(0);
    expect(s.chat).toMatchObject({ lost: 0, duplicated: 0, refused: 0, received: s.chat.sent * 2 });
    expect(s.chat.p99Ms).toEqual(expect.any(Number));
    // Per bot and per stream figures are there too.
    expect(report.bots.every((b) => b.loginMs !== null && b.joinAckMs !== null)).toBe(true);
    expect(report.streams.every((st) => st.packets > 0 && st.sender !== null)).toBe(true);
    expect(report.rooms.map((r) => r.receivedStreams)).toEqual([4, 4]);
    expect(report.timeline.length).toBeGreaterThan(5);
    // The server answered with its own figures (admin stats, or the health fallback).
    expect(report.server.samples.length).toBeGreaterThan(0);
    expect(report.server.samples.some((x) => x.workers.length > 0)).toBe(true);

    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Bitrate over time');
    expect(html).toContain('Loss per room');
    expect(html).not.toMatch(/<script|<link|src="http/);
  }, 120_000);

  it('--login-first: all bots log in before the ramp, then join and receive every stream', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'minimeet-bots-lf-'));
    try {
      const run = await cli([
        ...['--url', server.url, '--rooms', '1', '--peers', '3', '--duration', '3', '--login-first'],
        ...['--prefix', 'lf', '--out', dir, '--no-progress'],
      ]);
      expect(run.code, run.out).toBe(0);
      const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as BotReport;
      expect(report.options).toMatchObject({ loginFirst: true });
      expect(report.summary).toMatchObject({
        bots: 3,
        botsJoined: 3,
        expectedStreams: 12,
        receivedStreams: 12,
      });
      expect(report.bots.every((b) => b.loginMs !== null && b.userId !== null && b.joinAckMs !== null)).toBe(
        true,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--light-receivers: light bots join after the peers and receive every peer stream, sending nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'minimeet-bots-light-'));
    try {
      const run = await cli([
        ...['--url', server.url, '--rooms', '1', '--peers', '2', '--light-receivers', '4', '--duration', '3'],
        ...['--login-first', '--prefix', 'lr', '--out', dir, '--no-progress'],
      ]);
      expect(run.code, run.out).toBe(0);
      const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as BotReport;
      // 2 peers receive each other, 4 light bots receive both peers: (2 × 1 + 4 × 2) × (audio + video).
      expect(report.summary).toMatchObject({ bots: 6, botsJoined: 6, expectedStreams: 20, receivedStreams: 20 });
      const light = report.bots.filter((b) => b.light);
      expect(light.map((b) => b.username).sort()).toEqual(['lr_r1_l1', 'lr_r1_l2', 'lr_r1_l3', 'lr_r1_l4']);
      expect(light.every((b) => b.sentPackets === 0 && b.joined)).toBe(true);
      const lightStreams = report.streams.filter((st) => st.receiver.includes('_l'));
      expect(lightStreams).toHaveLength(16);
      expect(lightStreams.every((st) => st.packets > 0 && st.lostPackets === 0 && st.sender?.includes('_p'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses more bots than the server's room size limit", async () => {
    const run = await cli(['--url', server.url, '--peers', '2', '--light-receivers', '199', '--no-progress']);
    expect(run.code).toBe(2);
    expect(run.out).toMatch(/201 bots do not fit in one room: the server allows 200/);
  });

  it('refuses --simulcast and malformed numbers with a clear message and exit code 2', async () => {
    const sim = await cli(['--url', server.url, '--simulcast', '--no-progress']);
    expect(sim.code).toBe(2);
    expect(sim.out).toMatch(/--simulcast is not supported/);
    const bad = await cli(['--url', server.url, '--rooms', 'ten', '--no-progress']);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/--rooms expects a number/);
    expect(existsSync(path.join(SCRIPTS, 'bench-results'))).toBe(false);
  });
});
