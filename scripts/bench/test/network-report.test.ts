/** The network phase's figures from recorded samples (pure: no browser, no test hosts). */
import { describe, expect, it } from 'vitest';
import type { FrozenMeasure, InboundRtp } from '@minimeet/test-hosts/page-media';
import { renderNetworkHtml } from '../src/network/network-html.js';
import {
  assembleNetworkReport,
  networkTable,
  type ConditionRun,
  type LayerSample,
} from '../src/network/network-report.js';

const video = (over: Partial<InboundRtp> = {}): InboundRtp => ({
  packetsReceived: 900,
  packetsLost: 100,
  nackCount: 40,
  pliCount: 2,
  firCount: 0,
  retransmitted: 30,
  ...over,
});
const frozen = (over: Partial<FrozenMeasure> = {}): FrozenMeasure => ({
  frozenMs: 0,
  longestGapMs: 120,
  frames: 150,
  widths: [640],
  ...over,
});
/** [t ms, layer] → samples with a fixed bitrate and estimate. */
const samples = (points: Array<[number, number | null]>): LayerSample[] =>
  points.map(([t, layer]) => ({ t, layer, bitrateKbps: 400, estimateKbps: 800 }));

function run(over: Partial<ConditionRun>): ConditionRun {
  return {
    condition: { name: 'clean', impairment: { kind: 'none' } },
    startLayer: 1,
    liftedAtMs: 10_000,
    recoverWindowMs: 2000,
    samples: samples([
      [0, 1],
      [5000, 1],
      [10_500, 1],
    ]),
    frozen: frozen(),
    video: video(),
    ...over,
  };
}

describe('network report assembly', () => {
  it('a cap: adapts at the first lower layer, recovers at the first start layer after the lift', () => {
    const capped = run({
      condition: { name: '300 kbit/s down', impairment: { kind: 'downlink', kbit: 300 } },
      recoverWindowMs: 25_000,
      samples: samples([
        [0, 1],
        [1500, 1],
        [3000, 0], // adapts
        [6000, null], // lost every layer for a moment
        [9500, 0], // still impaired: the end layer
        [10_500, 0], // lifted at 10 000
        [14_000, 1], // recovered
        [15_000, 1],
      ]),
      frozen: frozen({ frozenMs: 2500, longestGapMs: 1800, frames: 100 }),
    });
    const [r] = assembleNetworkReport([capped], []).results;
    expect(r).toMatchObject({
      name: '300 kbit/s down',
      startLayer: 1,
      layerAtEnd: 0,
      lowestLayer: null,
      adaptMs: 3000,
      recovery: 'recovered',
      recoverMs: 4000,
      frozenPercent: 25,
      framesPerSecond: 10,
      videoLossPercent: 10,
      nackCount: 40,
      pliCount: 2,
      meanBitrateKbps: 400,
      meanEstimateKbps: 800,
    });
  });

  it('no layer change: nothing to adapt or recover', () => {
    const [r] = assembleNetworkReport([run({})], []).results;
    expect(r).toMatchObject({ adaptMs: null, recovery: 'not needed', recoverMs: null, layerAtEnd: 1, lowestLayer: 1 });
  });

  it('a layer that dips and comes back while still impaired needs no recovery', () => {
    const [r] = assembleNetworkReport(
      [run({ samples: samples([[0, 1], [2000, 0], [6000, 1], [9000, 1], [11_000, 1]]) })],
      [],
    ).results;
    expect(r).toMatchObject({ adaptMs: 2000, layerAtEnd: 1, lowestLayer: 0, recovery: 'not needed' });
  });

  it('a layer still low at the end of the window is "not recovered", and the table says so', () => {
    const report = assembleNetworkReport(
      [
        run({
          condition: { name: '10 % loss', impairment: { kind: 'loss', percent: 10 } },
          recoverWindowMs: 25_000,
          samples: samples([[0, 1], [4000, 0], [9000, 0], [20_000, 0], [34_000, 0]]),
        }),
      ],
      ['no delay (RTT) condition: this kernel has no netem'],
    );
    expect(report.results[0]).toMatchObject({ recovery: 'not recovered', recoverMs: null, adaptMs: 4000 });
    const text = networkTable(report);
    expect(text).toMatch(/10 % loss .* 1 → 0 \(min 0\) +4\.0 s +not within 25 s/);
    expect(text).toContain('note: no delay (RTT) condition: this kernel has no netem');
    // The HTML page carries the same rows and one chart per condition besides the two summaries.
    const html = renderNetworkHtml(report, { startedAt: '2026-01-01T00:00:00.000Z', quick: true });
    expect(html).toContain('<td>10 % loss</td>');
    expect(html.match(/<svg /g)).toHaveLength(3);
  });

  it('no samples during the impairment: the start layer stands, frozen time from the page', () => {
    const [r] = assembleNetworkReport(
      [run({ samples: [], frozen: frozen({ frozenMs: 10_000, frames: 0 }) })],
      [],
    ).results;
    expect(r).toMatchObject({ layerAtEnd: 1, adaptMs: null, frozenPercent: 100, meanBitrateKbps: null });
  });
});
