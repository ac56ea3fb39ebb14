/**
 * How well your call's media is getting through, decided from what the media session reports:
 * the send/recv transports' connection states (mediasoup-client `connectionstatechange`) and
 * mediasoup's 0..10 scores (producerScore for what you send, consumerScore for what you
 * receive). Pure: the store keeps a `NetworkHealth`, components ask these functions with the
 * current time.
 */
import type { TransportConnectionState } from '@minimeet/media-session';
import type { MediaSource, TransportDirection } from '@minimeet/shared';

/** Below this (of 10) a stream counts as low: mediasoup lowers scores with loss and retransmissions. */
export const LOW_SCORE = 5;
/** A score must stay low this long before we say so (one bad RTCP report is not a bad link). */
export const POOR_AFTER_MS = 3000;

/** A score and since when (ms) it has been low without a break; null while it is fine. */
export interface ScoreMark {
  score: number;
  lowSince: number | null;
}

export interface NetworkHealth {
  transports: Partial<
    Record<TransportDirection, { state: TransportConnectionState; everConnected: boolean }>
  >;
  /** Your own producers that are sending (not paused), by source: the uplink. */
  uplink: Partial<Record<MediaSource, ScoreMark>>;
  /**
   * Per remote producer you receive (key = producer id): `score` is how well it reaches you (your
   * downlink), `producerScore` how well it reaches the server from its sender.
   */
  downlink: Record<string, { score: ScoreMark; producerScore: ScoreMark }>;
}

export const emptyNetworkHealth: NetworkHealth = { transports: {}, uplink: {}, downlink: {} };

export type ConnectionQuality = 'good' | 'poor' | 'reconnecting';

/** The next mark after a new score reading at `now`: a low spell keeps its start. */
export function markScore(prev: ScoreMark | undefined, score: number, now: number): ScoreMark {
  if (score >= LOW_SCORE) return { score, lowSince: null };
  return { score, lowSince: prev?.lowSince ?? now };
}

/** A transport's new state; `everConnected` sticks for the direction (across rebuilt transports). */
export function withTransportState(
  h: NetworkHealth,
  direction: TransportDirection,
  state: TransportConnectionState,
): NetworkHealth {
  const everConnected = (h.transports[direction]?.everConnected ?? false) || state === 'connected';
  return { ...h, transports: { ...h.transports, [direction]: { state, everConnected } } };
}

function lowLongEnough(mark: ScoreMark, now: number): boolean {
  return mark.lowSince !== null && now - mark.lowSince >= POOR_AFTER_MS;
}

/** When a low spell that has not yet counted will count (for re-checking), else null. */
function pendingAt(marks: ScoreMark[], now: number): number | null {
  let next: number | null = null;
  for (const m of marks) {
    if (m.lowSince === null || lowLongEnough(m, now)) continue;
    const at = m.lowSince + POOR_AFTER_MS;
    if (next === null || at < next) next = at;
  }
  return next;
}

export interface QualityVerdict {
  quality: ConnectionQuality;
  /** Remote producers (keys) whose stream reaches you badly, on either leg. */
  weakKeys: Set<string>;
  /** When the verdict may change without a new report (a low spell reaching POOR_AFTER_MS). */
  recheckAt: number | null;
}

/**
 * - reconnecting: a transport that was connected is not now (ICE disconnected, restarting, or
 *   being rebuilt);
 * - poor: any uplink score, or most downlink scores, low for POOR_AFTER_MS;
 * - good otherwise.
 * A remote producer is weak when either leg's score has been low for POOR_AFTER_MS.
 */
export function judgeConnection(h: NetworkHealth, now: number): QualityVerdict {
  const downlink = Object.entries(h.downlink);
  const weakKeys = new Set(
    downlink
      .filter(([, d]) => lowLongEnough(d.score, now) || lowLongEnough(d.producerScore, now))
      .map(([key]) => key),
  );
  const uplink = Object.values(h.uplink).filter((m): m is ScoreMark => !!m);
  const recheckAt = pendingAt([...uplink, ...downlink.flatMap(([, d]) => [d.score, d.producerScore])], now);

  const reconnecting = Object.values(h.transports).some(
    (t) => t && t.everConnected && t.state !== 'connected',
  );
  if (reconnecting) return { quality: 'reconnecting', weakKeys, recheckAt };
  const uplinkPoor = uplink.some((m) => lowLongEnough(m, now));
  const lowDown = downlink.filter(([, d]) => lowLongEnough(d.score, now)).length;
  const downlinkPoor = downlink.length > 0 && lowDown * 2 > downlink.length;
  return { quality: uplinkPoor || downlinkPoor ? 'poor' : 'good', weakKeys, recheckAt };
}
