import { ErrorCode, type ConnectionRefusedData } from '@minimeet/shared';
import { describe, expect, it } from 'vitest';
import { unavailableRetryMs } from '../src/server-move.js';

// The move itself (retarget + reconnect + rejoin on another node) runs for real in
// server/test/cluster/rolling-restart.test.ts.
describe('unavailableRetryMs', () => {
  it('reads a draining node’s handshake refusal, and only that', () => {
    const refusal = (message: string, data?: Partial<ConnectionRefusedData>) =>
      Object.assign(new Error(message), data === undefined ? {} : { data });
    expect(unavailableRetryMs(refusal('UNAVAILABLE', { code: ErrorCode.UNAVAILABLE, retryAfterMs: 1500 }))).toBe(1500);
    expect(unavailableRetryMs(refusal('UNAVAILABLE'))).toBe(1000);
    expect(unavailableRetryMs(refusal('UNAVAILABLE', { retryAfterMs: 10 ** 9 }))).toBe(30_000);
    expect(unavailableRetryMs(refusal('RATE_LIMITED', { retryAfterMs: 500 }))).toBeUndefined();
    expect(unavailableRetryMs(refusal('unauthorized'))).toBeUndefined();
  });
});
