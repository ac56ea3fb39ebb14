/**
 * The soak phase's arithmetic and options, without running a soak: the least-squares slope, the
 * flat/growing verdicts against the documented thresholds, the expected growth of chat and
 * participant rows, and the command-line options.
 */
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageRequested } from '../src/options.js';
import { seriesTrends } from '../src/soak/soak-series.js';
import type { SoakSample } from '../src/soak/soak-sampler.js';
import { afterWarmup, linearFit, trend, type Point } from '../src/soak/soak-trend.js';

/** Samples every 10 s over `minutes` of f(t). */
const series = (minutes: number, f: (t: number, i: number) => number): Point[] =>
  Array.from({ length: minutes * 6 + 1 }, (_, i) => ({ t: i / 6, value: f(i / 6, i) }));

describe('linearFit', () => {
  it('recovers slope and intercept of an exact line with no error', () => {
    const fit = linearFit(series(10, (t) => 3 + 0.5 * t))!;
    expect(fit.slope).toBeCloseTo(0.5, 10);
    expect(fit.intercept).toBeCloseTo(3, 10);
    expect(fit.slopeStdError).toBeCloseTo(0, 10);
    expect(fit.n).toBe(61);
  });

  it('is null without two distinct times', () => {
    expect(linearFit([{ t: 1, value: 2 }])).toBeNull();
    expect(
      linearFit([
        { t: 1, value: 2 },
        { t: 1, value: 5 },
      ]),
    ).toBeNull();
  });

  it('gives a standard error that reflects the scatter', () => {
    const noisy = linearFit(series(10, (t, i) => 10 + (i % 2 ? 3 : -3)))!;
    expect(Math.abs(noisy.slope)).toBeLessThan(0.1);
    expect(noisy.slopeStdError).toBeGreaterThan(0.05);
  });
});

describe('trend verdicts (growth over 30 min vs max(floor, 10 % of the mean), and > 2 standard errors)', () => {
  it('a constant series is flat, start/end/mean reported', () => {
    const t = trend(
      series(20, () => 120),
      { floor: 8 },
    );
    expect(t).toMatchObject({ start: 120, end: 120, mean: 120, verdict: 'flat' });
    expect(t.slopePerMin).toBeCloseTo(0, 10);
    expect(t.allowedPer30Min).toBeCloseTo(12, 10);
  });

  it('one leaked timer a minute is growing, with its slope per minute and per hour', () => {
    const t = trend(
      series(20, (m, i) => 40 + Math.floor(m) + (i % 3) - 1),
      { floor: 2 },
    );
    expect(t.verdict).toBe('growing');
    expect(t.slopePerMin!).toBeGreaterThan(0.9);
    expect(t.slopePerMin!).toBeLessThan(1.1);
    expect(t.slopePerHour!).toBeCloseTo(t.slopePerMin! * 60, 10);
    expect(t.growthPer30Min!).toBeCloseTo(t.slopePerMin! * 30, 10);
  });

  it('a churning count (bots come and go) is flat however it happens to end', () => {
    const t = trend(
      series(20, (_m, i) => (Math.floor(i / 4) % 2 ? 48 : 36)),
      { floor: 2 },
    );
    expect(t.verdict).toBe('flat');
  });

  it('steady growth below the floor or below 10 % of the mean per 30 min is flat', () => {
    // 0.05/min = 1.5 per 30 min < floor 2
    expect(
      trend(
        series(20, (m) => 10 + 0.05 * m),
        { floor: 2 },
      ).verdict,
    ).toBe('flat');
    // 0.3 MB/min = 9 MB per 30 min < 10 % of 150 MB (floor 8)
    expect(
      trend(
        series(20, (m) => 150 + 0.3 * m),
        { floor: 8 },
      ).verdict,
    ).toBe('flat');
    // 1 MB/min = 30 MB per 30 min > 15 MB
    expect(
      trend(
        series(20, (m) => 150 + m),
        { floor: 8 },
      ).verdict,
    ).toBe('growing');
  });

  it('a shrinking series is flat (nothing accumulates)', () => {
    expect(
      trend(
        series(20, (m) => 200 - 2 * m),
        { floor: 8 },
      ).verdict,
    ).toBe('flat');
  });

  it('rows expected to grow are judged against the expected slope', () => {
    expect(
      trend(
        series(20, (m) => 100 + 48 * m),
        { floor: 2, expectedPerMin: 48 },
      ).verdict,
    ).toBe('as expected');
    // Fewer than expected (rejoins continuing their participant row) is fine.
    expect(
      trend(
        series(20, (m) => 10 + 2 * m),
        { floor: 2, expectedPerMin: 6 },
      ).verdict,
    ).toBe('as expected');
    const above = trend(
      series(20, (m) => 100 + 60 * m),
      { floor: 2, expectedPerMin: 48 },
    );
    expect(above).toMatchObject({ verdict: 'above expected', expectedPerMin: 48 });
  });

  it('too few samples give no verdict', () => {
    expect(
      trend(
        [
          { t: 0, value: 1 },
          { t: 1, value: 2 },
        ],
        { floor: 2 },
      ).verdict,
    ).toBe('too few samples');
  });

  it('afterWarmup keeps the samples from the warm-up end on', () => {
    expect(
      afterWarmup(
        series(10, () => 1),
        2,
      ).map((p) => p.t)[0],
    ).toBe(2);
    expect(
      afterWarmup(
        series(10, () => 1),
        2,
      ),
    ).toHaveLength(49);
  });
});

describe('seriesTrends', () => {
  /** 10 minutes of samples: messages follow the acked chat, one timer leaks, sockets churn. */
  const samples: SoakSample[] = Array.from({ length: 61 }, (_, i) => {
    const t = i / 6;
    const values: Record<string, number> = {
      'load.chatAcked': 24 * t,
      'load.joins': 8 + 3 * t,
      'db.messages': 24 * t,
      'db.call_participants': 8 + 2 * t,
      'server.resources.Timeout': 20 + Math.floor(t),
      'server.sockets': i % 2 ? 8 : 6,
    };
    // A resource type that shows up in some samples only: absent means none then.
    if (i % 5 === 0) values['server.resources.FSReqCallback'] = 1;
    return { t, at: new Date(0).toISOString(), values };
  });
  const trends = seriesTrends(samples, 2);
  const of = (key: string) => trends.find((t) => t.key === key)!;

  it('judges each series by its role: leaks grow, churn is flat, rows follow the load', () => {
    expect(of('server.resources.Timeout').verdict).toBe('growing');
    expect(of('server.sockets').verdict).toBe('flat');
    expect(of('server.resources.FSReqCallback')).toMatchObject({ verdict: 'flat', samples: 49 });
    expect(of('db.messages')).toMatchObject({ role: 'expected', verdict: 'as expected' });
    expect(of('db.messages').expectedPerMin!).toBeCloseTo(24, 6);
    expect(of('db.call_participants').expectedPerMin!).toBeCloseTo(3, 6);
    expect(of('load.joins').role).toBe('load');
    // Resources first, then expected rows, then the load.
    expect(trends.map((t) => t.role)).toEqual(
      [...trends.map((t) => t.role)].sort(
        (a, b) => ['resource', 'expected', 'load'].indexOf(a) - ['resource', 'expected', 'load'].indexOf(b),
      ),
    );
  });
});

describe('bench options for the soak phase', () => {
  it('--phases soak: 30 minutes sampled every 10 s unless told; short runs sample every 5 s', () => {
    expect(parseArgs(['--phases', 'soak']).soak).toEqual({ minutes: 30, sampleSec: 10 });
    expect(parseArgs(['--phases', 'soak', '--soak-minutes', '2'])).toMatchObject({
      phases: ['soak'],
      soak: { minutes: 2, sampleSec: 5 },
    });
    expect(parseArgs(['--phases', 'soak', '--soak-minutes', '15', '--soak-sample-sec', '3']).soak).toEqual({
      minutes: 15,
      sampleSec: 3,
    });
    // Without --phases: the server comparisons, not the soak.
    expect(parseArgs([]).phases).toEqual(['overhead', 'capacity', 'chat']);
  });

  it('refuses bad values, soak options without the soak phase, and too few samples', () => {
    expect(() => parseArgs(['--phases', 'soak', '--soak-minutes', 'abc'])).toThrow(
      /--soak-minutes takes a number/,
    );
    expect(() => parseArgs(['--phases', 'soak', '--soak-minutes', '0'])).toThrow(/--soak-minutes/);
    expect(() => parseArgs(['--phases', 'soak', '--soak-minutes'])).toThrow(/--soak-minutes/);
    expect(() => parseArgs(['--phases', 'soak', '--soak-sample-sec', '-1'])).toThrow(/--soak-sample-sec/);
    expect(() => parseArgs(['--soak-minutes', '5'])).toThrow(/add --phases soak/);
    expect(() => parseArgs(['--phases', 'soak', '--soak-minutes', '1', '--soak-sample-sec', '30'])).toThrow(
      /fewer than 10 samples/,
    );
    expect(() => parseArgs(['--phases', 'soak,nope'])).toThrow(/--phases takes a list/);
    expect(() => parseArgs(['--help'])).toThrow(UsageRequested);
  });
});
