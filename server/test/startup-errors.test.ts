/**
 * What an operator sees when the server cannot start: a non-zero exit and exactly one
 * stderr line that names the problem, never a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { runServerToExit, type EnvOverrides } from '@minimeet/test-harness';

function expectOneLineFailure(result: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(result.code).not.toBe(0);
  expect(result.code).not.toBeNull();
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^minimeet: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack frame
}

describe('invalid configuration', () => {
  const cases: Array<[string, EnvOverrides, RegExp]> = [
    ['DATABASE_URL=nonsense', { DATABASE_URL: 'nonsense' }, /DATABASE_URL/],
    ['RTC_MIN_PORT > RTC_MAX_PORT', { RTC_MIN_PORT: '50000', RTC_MAX_PORT: '40000' }, /RTC_MIN_PORT/],
    [
      'NODE_ENV=production without JWT_SECRET',
      { NODE_ENV: 'production', JWT_SECRET: undefined },
      /JWT_SECRET/,
    ],
    ['MEDIASOUP_WORKERS=many', { MEDIASOUP_WORKERS: 'many' }, /MEDIASOUP_WORKERS/],
    [
      'MEDIA_MIN_OUTGOING_BITRATE under mediasoup’s 30000',
      { MEDIA_MIN_OUTGOING_BITRATE: '1000' },
      /MEDIA_MIN_OUTGOING_BITRATE must be 0 \(off\) or between 30000/,
    ],
    [
      'CLUSTER_PIPE range overlapping the RTC range',
      {
        REDIS_URL: 'redis://127.0.0.1:6379',
        RTC_MIN_PORT: '40000',
        RTC_MAX_PORT: '40099',
        CLUSTER_PIPE_MIN_PORT: '40050',
        CLUSTER_PIPE_MAX_PORT: '40150',
      },
      /CLUSTER_PIPE_MIN_PORT\/CLUSTER_PIPE_MAX_PORT: range 40050-40150 overlaps RTC_MIN_PORT\/RTC_MAX_PORT 40000-40099/,
    ],
  ];

  it.each(cases)(
    '%s: exits non-zero with one stderr line naming the variable',
    async (_name, env, pattern) => {
      const result = await runServerToExit(env);
      expectOneLineFailure(result, pattern);
      expect(result.stderr).toMatch(/invalid configuration/);
    },
  );
});

describe('start-up failures', () => {
  it('an unreachable MySQL fails start with one clear line naming the database (no password)', async () => {
    const result = await runServerToExit({
      DATABASE_URL: 'mysql://root:s3cret@127.0.0.1:1/x',
      MEDIASOUP_WORKERS: '1',
    });
    expectOneLineFailure(result, /database mysql:\/\/127\.0\.0\.1:1\/x: .*ECONNREFUSED/);
    expect(result.stderr).not.toContain('s3cret');
  });

  it('a missing mediasoup worker binary fails start with one clear line', async () => {
    const result = await runServerToExit({
      MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker',
      MEDIASOUP_WORKERS: '1',
    });
    expectOneLineFailure(result, /mediasoup worker failed to start/);
  });
});
