/**
 * `npm run bench -- --quick --phases large-room` end to end (real MiniMeet and baseline servers,
 * werift senders, light receivers): bench.json has every figure of the phase, the receivers got
 * their page and the loud speakers, the consumer counts follow each design, and the verdict is
 * computed — never how fast anything is. Needs the built server (npm run build -w server).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SERVER_MAIN } from '@minimeet/test-harness';
import { eventNameOf } from '../src/large-room/bystander.js';
import { largeRoomPlan, pageOf } from '../src/large-room/large-room-plan.js';
import { verdict } from '../src/large-room/large-room-phase.js';
import { parseArgs } from '../src/options.js';
import type { LargeRoomResult, SizeRun } from '../src/large-room/large-room-result.js';

const SCRIPTS = path.join(REPO_ROOT, 'scripts');

describe('npm run bench --quick --phases large-room', () => {
  it('writes the figures per size, the old-design comparison and a verdict; receivers got their page', () => {
    expect(existsSync(SERVER_MAIN), 'build the server first (npm run build)').toBe(true);
    const out = mkdtempSync(path.join(os.tmpdir(), 'bench-large-room-'));
    try {
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'bench/src/cli.ts', '--quick', '--phases', 'large-room', '--out', out],
        { cwd: SCRIPTS, encoding: 'utf8', timeout: 280_000 },
      );
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/Acceptance \(room of 6 receivers .*\): HELD on one node/);

      const lr = (
        JSON.parse(readFileSync(path.join(out, 'bench.json'), 'utf8')) as { largeRoom: LargeRoomResult }
      ).largeRoom;
      const { plan } = lr;
      expect(lr.verdict.held, lr.verdict.line).toBe(true);
      const sized = lr.runs.find((r) => r.design === 'paged' && r.receivers === plan.sizes[0]);
      expect(sized, 'the quick size ran').toBeDefined();
      // A size that did not hold is run once more (shared machine): the last attempt counts.
      const last = new Map(lr.runs.map((r) => [`${r.design}/${r.topology}/${r.receivers}`, r]));
      for (const r of last.values()) {
        const what = `${r.design} ${r.receivers}: ${r.stopReason ?? ''} ${r.notes.join('; ')}`;
        expect(r.held, what).toBe(true);
        expect(r.joined, what).toBe(r.receivers);
        expect(r.receiversWithPage, what).toBe(r.receivers);
        expect(r.receiversWithLoudest, what).toBe(r.receivers);
        expect(r.firstFrameMs.count, what).toBe(r.receivers);
        expect(r.firstFrameMs.p95, what).toBeGreaterThan(0);
        expect(r.loss.packets, what).toBeGreaterThan(0);
        expect(r.serverCpu.percentPerParticipant, what).toBeGreaterThan(0);
        expect(r.workerUsPerPacket, what).toBeGreaterThan(0);
        expect(r.memory.rssMbDuring, what).toBeGreaterThan(0);
        expect(r.signaling.bytesPerJoin, what).toBeGreaterThan(0);
        // Paged: a page of video + the loudest microphones each; old design: every producer.
        const perReceiver = r.design === 'paged' ? plan.pageSize + plan.loudestK : 2 * plan.senders;
        expect(r.consumers.held, what).toBe(r.receivers * perReceiver);
      }
      // The figures to beat, at the same room size in the same run.
      const [c] = lr.comparison;
      expect(c?.paged && c.oldDesign).toBeTruthy();
      expect(c!.paged!.consumers.held!).toBeLessThan(c!.oldDesign!.consumers.held!);
      expect(c!.oldDesign!.signaling.byEvent.participantsUpdate).toBeGreaterThan(0);
      expect(c!.paged!.signaling.byEvent.participantsUpdate).toBeUndefined();

      expect(readFileSync(path.join(out, 'large-room.html'), 'utf8')).toContain('<svg');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('large-room verdict and pages', () => {
  const plan = largeRoomPlan(false);
  const held: SizeRun = {
    design: 'paged',
    topology: 'oneNode',
    receivers: 100,
    senders: 8,
    attempt: 1,
    participants: 109,
    held: true,
    skipped: false,
    stopReason: null,
    joined: 100,
    failedJoins: 0,
    receiversWithPage: 100,
    receiversWithLoudest: 100,
    settleSec: 20,
    firstFrameMs: { p50: 100, p95: 200, count: 100 },
    signaling: { bytes: 10_000, messages: 100, joins: 100, bytesPerJoin: 100, byEvent: {} },
    consumers: { held: 700, max: 700, bound: 708 },
    consumersPerReceiver: { video: 4, audio: 3 },
    serverCpu: { cores: 0.5, workerCores: 0.3, percentPerParticipant: 0.45 },
    workerUsPerPacket: 5,
    memory: { rssMbBefore: 100, rssMbDuring: 200, mbPerParticipant: 0.9 },
    loss: {
      percent: 0.2,
      windowPercent: 0.2,
      packets: 100_000,
      lost: 200,
      receivedPerSec: 6600,
      forwardedPerSec: 6600,
    },
    windowSec: 15,
    botLoopDelayP99Ms: 20,
    notes: [],
  };

  it('holds only with every page, the speakers and loss under 1 %, and says why not', () => {
    expect(verdict(plan, [held]).held).toBe(true);
    const lossy = verdict(plan, [{ ...held, loss: { ...held.loss, percent: 1.5 } }]);
    expect(lossy).toEqual({ held: false, line: expect.stringContaining('loss 1.50 %') });
    const noPage = verdict(plan, [{ ...held, receiversWithPage: 97 }]);
    expect(noPage.line).toContain('3 receivers without their page');
    // Two nodes count when one node did not hold.
    const twoNodes = verdict(plan, [
      { ...held, stopReason: 'loss 6 % > 5 %', held: false },
      { ...held, topology: 'twoNodes' },
    ]);
    expect(twoNodes.line).toContain('HELD on two nodes');
    expect(verdict(plan, [{ ...held, receivers: 50 }]).line).toContain('NOT HELD — that size was not run');
  });

  it('spreads pages over the senders and names Socket.IO events from their packets', () => {
    const shown = Array.from({ length: 8 }, (_, i) => pageOf(i, 8, 4)).flat();
    for (let s = 0; s < 8; s++) expect(shown.filter((x) => x === s)).toHaveLength(4);
    expect(pageOf(0, 2, 4)).toEqual([0, 1]);
    expect(eventNameOf('2["participantsDelta",{"roomId":1}]')).toBe('participantsDelta');
    expect(eventNameOf('2/admin,["x",1]')).toBe('x');
    expect(eventNameOf('31[{"ok":true}]')).toBe('(ack)');
    expect(eventNameOf('0{"sid":"x"}')).toBe('(other)');
  });

  it('--large-room-sizes picks the receiver counts, only with the phase and whole counts', () => {
    const args = parseArgs(['--phases', 'large-room', '--large-room-sizes', '10,40']);
    expect(largeRoomPlan(false, args.largeRoomSizes).sizes).toEqual([10, 40]);
    expect(largeRoomPlan(false).sizes).toEqual([25, 50, 100, 200]);
    expect(() => parseArgs(['--large-room-sizes', '10'])).toThrow(/add --phases large-room/);
    expect(() => parseArgs(['--phases', 'large-room', '--large-room-sizes', '10,2.5'])).toThrow(/whole/);
    expect(() => parseArgs(['--phases', 'large-room', '--large-room-sizes', '0'])).toThrow(
      /--large-room-sizes/,
    );
  });
});
