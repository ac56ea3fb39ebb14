import { describe, expect, it } from 'vitest';
import { emptyNetworkHealth, judgeConnection, markScore, POOR_AFTER_MS, withTransportState, type NetworkHealth } from './connectionQuality';

const good = (score = 10) => markScore(undefined, score, 0);
const lowFrom = (t: number, score = 2) => markScore(undefined, score, t);
const connected = (): NetworkHealth => withTransportState(withTransportState(emptyNetworkHealth, 'send', 'connected'), 'recv', 'connected');

describe('judgeConnection', () => {
  it('a low score keeps the start of its spell; a good one ends it', () => {
    const a = markScore(undefined, 3, 1000);
    expect(markScore(a, 1, 2000)).toEqual({ score: 1, lowSince: 1000 });
    expect(markScore(a, 5, 2000)).toEqual({ score: 5, lowSince: null });
  });

  it('reconnecting only after a transport had connected: first connection is not a reconnect', () => {
    const connecting = withTransportState(emptyNetworkHealth, 'send', 'connecting');
    expect(judgeConnection(connecting, 0).quality).toBe('good');
    expect(judgeConnection(connected(), 0).quality).toBe('good');
    for (const state of ['disconnected', 'connecting', 'failed', 'new'] as const) {
      expect(judgeConnection(withTransportState(connected(), 'recv', state), 0).quality).toBe('reconnecting');
    }
    // Connected again (e.g. after an ICE restart): good.
    const back = withTransportState(withTransportState(connected(), 'recv', 'disconnected'), 'recv', 'connected');
    expect(judgeConnection(back, 0).quality).toBe('good');
  });

  it('poor when an uplink score stays low for POOR_AFTER_MS, not before; says when to look again', () => {
    const h: NetworkHealth = { ...connected(), uplink: { mic: good(), camera: lowFrom(1000) } };
    const early = judgeConnection(h, 1000 + POOR_AFTER_MS - 1);
    expect(early.quality).toBe('good');
    expect(early.recheckAt).toBe(1000 + POOR_AFTER_MS);
    const later = judgeConnection(h, 1000 + POOR_AFTER_MS);
    expect(later.quality).toBe('poor');
    expect(later.recheckAt).toBeNull();
  });

  it('poor when most received streams are low on your side; one bad stream only marks that stream weak', () => {
    const at = POOR_AFTER_MS + 10;
    const one: NetworkHealth = {
      ...connected(),
      downlink: {
        a: { score: lowFrom(0), producerScore: good() },
        b: { score: good(), producerScore: good() },
        c: { score: good(), producerScore: good() },
      },
    };
    const v1 = judgeConnection(one, at);
    expect(v1.quality).toBe('good');
    expect([...v1.weakKeys]).toEqual(['a']);

    const most: NetworkHealth = { ...one, downlink: { ...one.downlink, b: { score: lowFrom(0, 4), producerScore: good() } } };
    expect(judgeConnection(most, at).quality).toBe('poor');
    // Half is not most.
    const half: NetworkHealth = { ...connected(), downlink: { a: one.downlink.a!, b: one.downlink.b! } };
    expect(judgeConnection(half, at).quality).toBe('good');
  });

  it("a sender's weak uplink (producerScore) marks its stream weak but is not your poor connection", () => {
    const h: NetworkHealth = { ...connected(), downlink: { a: { score: good(), producerScore: lowFrom(0, 1) } } };
    const v = judgeConnection(h, POOR_AFTER_MS);
    expect(v.quality).toBe('good');
    expect(v.weakKeys.has('a')).toBe(true);
  });

  it('reconnecting wins over poor', () => {
    const h: NetworkHealth = { ...withTransportState(connected(), 'send', 'disconnected'), uplink: { mic: lowFrom(0) } };
    expect(judgeConnection(h, POOR_AFTER_MS).quality).toBe('reconnecting');
  });
});
