/**
 * Turns the raw per-condition recordings of the network phase into its figures (a pure function:
 * no run needed to check it) and prints them as a table.
 */
import type { FrozenMeasure, InboundRtp } from '@minimeet/test-hosts/page-media';
import { table } from '../table.js';
import type { NetworkCondition } from './conditions.js';

/** One poll of the server's admin stats for the receiver's camera consumer. */
export interface LayerSample {
  /** Milliseconds since the impairment started. */
  t: number;
  /** Spatial layer the SFU forwards (null: none). */
  layer: number | null;
  bitrateKbps: number | null;
  /** The recv transport's available outgoing bitrate (the SFU's bandwidth estimate). */
  estimateKbps: number | null;
}

export interface ConditionRun {
  condition: NetworkCondition;
  /** Layer forwarded just before the impairment started. */
  startLayer: number | null;
  /** When the impairment was lifted (ms since it started). */
  liftedAtMs: number;
  /** How long after the lift the run kept watching for the layer to come back. */
  recoverWindowMs: number;
  samples: LayerSample[];
  /** The receiving page's camera video during the impairment. */
  frozen: FrozenMeasure;
  /** The receiving page's inbound-rtp video counters over the impairment. */
  video: InboundRtp;
}

export type Recovery = 'not needed' | 'recovered' | 'not recovered';

export interface ConditionResult {
  name: string;
  /** Share of the impaired time with no new frame for > 500 ms. */
  frozenPercent: number;
  longestFreezeMs: number;
  framesPerSecond: number;
  /** Layer forwarded at the end of the impairment, and the lowest one seen during it. */
  layerAtEnd: number | null;
  lowestLayer: number | null;
  startLayer: number | null;
  /** Impairment start → first layer different from startLayer (null: it never changed). */
  adaptMs: number | null;
  /** Lift → startLayer forwarded again (null: not needed or not within the window). */
  recoverMs: number | null;
  recovery: Recovery;
  recoverWindowMs: number;
  videoLossPercent: number;
  nackCount: number;
  pliCount: number;
  /** Means over the impaired samples. */
  meanBitrateKbps: number | null;
  meanEstimateKbps: number | null;
}

export interface NetworkReport {
  notes: string[];
  results: ConditionResult[];
  runs: ConditionRun[];
}

const mean = (values: number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;

/** `null` sorts below every layer: no layer at all is the lowest. */
const lower = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.min(a, b));

export function conditionResult(run: ConditionRun): ConditionResult {
  const during = run.samples.filter((s) => s.t < run.liftedAtMs);
  const after = run.samples.filter((s) => s.t >= run.liftedAtMs);
  const changed = during.find((s) => s.layer !== run.startLayer);
  const layerAtEnd = during.length ? during.at(-1)!.layer : run.startLayer;
  const lowestLayer = during.reduce<number | null>((low, s) => lower(low, s.layer), run.startLayer);
  let recovery: Recovery = 'not needed';
  let recoverMs: number | null = null;
  if (layerAtEnd !== run.startLayer) {
    const back = after.find((s) => s.layer === run.startLayer);
    recovery = back ? 'recovered' : 'not recovered';
    recoverMs = back ? back.t - run.liftedAtMs : null;
  }
  const v = run.video;
  return {
    name: run.condition.name,
    frozenPercent: run.liftedAtMs > 0 ? (100 * run.frozen.frozenMs) / run.liftedAtMs : 0,
    longestFreezeMs: run.frozen.longestGapMs,
    framesPerSecond: run.liftedAtMs > 0 ? (1000 * run.frozen.frames) / run.liftedAtMs : 0,
    layerAtEnd,
    lowestLayer,
    startLayer: run.startLayer,
    adaptMs: changed ? changed.t : null,
    recoverMs,
    recovery,
    recoverWindowMs: run.recoverWindowMs,
    videoLossPercent: (100 * v.packetsLost) / Math.max(1, v.packetsReceived + v.packetsLost),
    nackCount: v.nackCount,
    pliCount: v.pliCount,
    meanBitrateKbps: mean(during.flatMap((s) => (s.bitrateKbps === null ? [] : [s.bitrateKbps]))),
    meanEstimateKbps: mean(during.flatMap((s) => (s.estimateKbps === null ? [] : [s.estimateKbps]))),
  };
}

export function assembleNetworkReport(runs: ConditionRun[], notes: string[]): NetworkReport {
  return { notes, results: runs.map(conditionResult), runs };
}

const layerText = (l: number | null) => (l === null ? 'none' : String(l));

export function recoveryText(r: ConditionResult): string {
  if (r.recovery === 'recovered') return `${(r.recoverMs! / 1000).toFixed(1)} s`;
  if (r.recovery === 'not recovered') return `not within ${Math.round(r.recoverWindowMs / 1000)} s`;
  return 'n/a';
}

export function networkTable(report: NetworkReport): string {
  const rows = report.results.map((r) => [
    r.name,
    r.frozenPercent,
    r.framesPerSecond,
    `${layerText(r.startLayer)} → ${layerText(r.layerAtEnd)} (min ${layerText(r.lowestLayer)})`,
    r.adaptMs === null ? 'n/a' : `${(r.adaptMs / 1000).toFixed(1)} s`,
    recoveryText(r),
    r.videoLossPercent,
    r.meanBitrateKbps,
    r.meanEstimateKbps,
  ]);
  return [
    table(
      'Network conditions (receiving Chromium on a test host; layer = spatial layer of its camera consumer)',
      [
        'condition',
        'frozen %',
        'fps',
        'layer start → end',
        'time to adapt',
        'time to recover',
        'video loss %',
        'kbit/s',
        'estimate kbit/s',
      ],
      rows,
    ),
    ...report.notes.map((n) => `note: ${n}`),
  ].join('\n');
}
