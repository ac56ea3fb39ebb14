import { ErrorCode } from '@minimeet/shared';
import { describe, expect, it } from 'vitest';
import { RoomJoinLimiter } from './room-join-limiter.js';

describe('RoomJoinLimiter', () => {
  it('allows a burst of perMinute joins per user and room, then RATE_LIMITED until refilled', () => {
    const limiter = new RoomJoinLimiter(3);
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) limiter.take(1, 10, t0);
    let refused: unknown;
    try {
      limiter.take(1, 10, t0);
    } catch (err) {
      refused = err;
    }
    expect(refused).toMatchObject({ code: ErrorCode.RATE_LIMITED, details: { retryAfterMs: 20_000 } });
    // Other rooms and other users have their own budget.
    limiter.take(2, 10, t0);
    limiter.take(1, 11, t0);
    // One join comes back every 60 s / perMinute.
    limiter.take(1, 10, t0 + 20_000);
    expect(() => limiter.take(1, 10, t0 + 20_000)).toThrow();
  });
});
