import { describe, expect, it } from 'vitest';
import { RtpSequenceTracker } from '../src/rtp-sequence.js';

const feed = (seqs: number[]) => {
  const t = new RtpSequenceTracker();
  for (const s of seqs) t.record(s);
  return t;
};

describe('RtpSequenceTracker', () => {
  it('counts a gap as lost', () => {
    const t = feed([10, 11, 12, 15, 16]);
    expect(t.expected).toBe(7);
    expect(t.received).toBe(5);
    expect(t.lost).toBe(2);
  });

  it('extends sequence numbers across the 16-bit wrap', () => {
    const t = feed([65533, 65534, 65535, 0, 1, 3]);
    expect(t.expected).toBe(7);
    expect(t.lost).toBe(1);
  });

  it('a reordered packet fills its gap, also across the wrap and before the first packet', () => {
    expect(feed([1, 2, 4, 3, 5]).lost).toBe(0);
    expect(feed([65535, 1, 0, 2]).lost).toBe(0);
    const early = feed([5, 4, 6]);
    expect(early.expected).toBe(3);
    expect(early.lost).toBe(0);
  });

  it('a retransmitted duplicate is not counted as received twice', () => {
    const t = feed([1, 2, 3, 2, 4, 6, 5]);
    expect(t.duplicates).toBe(1);
    expect(t.received).toBe(6);
    expect(t.lost).toBe(0);
  });

  it('stays exact over many cycles with periodic loss', () => {
    const t = new RtpSequenceTracker();
    let lostSent = 0;
    for (let i = 0; i < 200_000; i++) {
      if (i % 1000 === 999) {
        lostSent++;
        continue;
      }
      t.record((40_000 + i) & 0xffff);
    }
    expect(t.expected).toBe(200_000 - 1); // the very last one (i = 199999) was dropped
    expect(t.lost).toBe(lostSent - 1);
  });

  it('nothing received means nothing expected', () => {
    const t = new RtpSequenceTracker();
    expect([t.expected, t.lost]).toEqual([0, 0]);
  });
});
