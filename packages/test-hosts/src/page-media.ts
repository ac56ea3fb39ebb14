/// <reference lib="dom" />
/**
 * Page-side measurements of received media, shared by the e2e tests (client/e2e) and the network
 * benchmark (scripts/bench). Each function is serialized into the page (Playwright's
 * page.evaluate): it must not use anything from this module's scope. They read `window.__pcs`,
 * which trackPeerConnections (./peer-connections) fills.
 */

export const cameraVideo = (username: string) =>
  `figure[data-user="${username}"][data-source="camera"] video`;

/** Width, playback time and decoded frames of the video at `sel` (null: no such element). */
export function videoState(sel: string) {
  const v = document.querySelector<HTMLVideoElement>(sel);
  return v
    ? { width: v.videoWidth, time: v.currentTime, frames: v.getVideoPlaybackQuality().totalVideoFrames }
    : null;
}

export interface FrozenMeasure {
  /** Sum of the gaps with no new frame longer than 500 ms. */
  frozenMs: number;
  longestGapMs: number;
  frames: number;
  /** Every videoWidth seen (0: no picture). */
  widths: number[];
}

/**
 * Samples the video every 100 ms for `ms`: frozen time is the sum of the gaps with no new frame
 * longer than 500 ms.
 */
export function measureFrozen({ sel, ms }: { sel: string; ms: number }) {
  return new Promise<FrozenMeasure>((resolve) => {
    const v = document.querySelector<HTMLVideoElement>(sel);
    const framesNow = () => v?.getVideoPlaybackQuality().totalVideoFrames ?? 0;
    const start = performance.now();
    const first = framesNow();
    let last = first;
    let lastChange = start;
    let frozenMs = 0;
    let longestGapMs = 0;
    const widths = new Set<number>();
    const gapEnds = (now: number) => {
      const gap = now - lastChange;
      longestGapMs = Math.max(longestGapMs, gap);
      if (gap > 500) frozenMs += gap;
    };
    const timer = setInterval(() => {
      const now = performance.now();
      const f = framesNow();
      widths.add(v?.videoWidth ?? 0);
      if (f !== last) {
        gapEnds(now);
        last = f;
        lastChange = now;
      }
      if (now - start >= ms) {
        clearInterval(timer);
        gapEnds(now);
        resolve({ frozenMs, longestGapMs, frames: last - first, widths: [...widths] });
      }
    }, 100);
  });
}

export interface InboundRtp {
  packetsReceived: number;
  packetsLost: number;
  nackCount: number;
  pliCount: number;
  firCount: number;
  retransmitted: number;
}

/** Sums of the page's inbound-rtp counters for `kind` over its open connections. */
export async function inboundRtp(kind: string): Promise<InboundRtp> {
  const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
  const sum = {
    packetsReceived: 0,
    packetsLost: 0,
    nackCount: 0,
    pliCount: 0,
    firCount: 0,
    retransmitted: 0,
  };
  for (const pc of pcs) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((r: Record<string, unknown>) => {
      if (r.type !== 'inbound-rtp' || r.kind !== kind) return;
      const n = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : 0);
      sum.packetsReceived += n('packetsReceived');
      sum.packetsLost += n('packetsLost');
      sum.nackCount += n('nackCount');
      sum.pliCount += n('pliCount');
      sum.firCount += n('firCount');
      sum.retransmitted += n('retransmittedPacketsReceived');
    });
  }
  return sum;
}

/** b − a, counter by counter. */
export const inboundDelta = (a: InboundRtp, b: InboundRtp): InboundRtp => ({
  packetsReceived: b.packetsReceived - a.packetsReceived,
  packetsLost: b.packetsLost - a.packetsLost,
  nackCount: b.nackCount - a.nackCount,
  pliCount: b.pliCount - a.pliCount,
  firCount: b.firCount - a.firCount,
  retransmitted: b.retransmitted - a.retransmitted,
});

/** Local and remote candidate of each open connection's selected pair. */
export async function selectedPairs() {
  const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
  const out: Array<{
    state: string;
    local?: { protocol?: string; type?: string };
    remote?: { protocol?: string; type?: string };
  }> = [];
  for (const pc of pcs) {
    if (pc.connectionState === 'closed') continue;
    const byId = new Map<string, Record<string, unknown>>();
    (await pc.getStats()).forEach((r: Record<string, unknown>) => byId.set(r.id as string, r));
    const transport = [...byId.values()].find((r) => r.type === 'transport');
    const pair = byId.get(String(transport?.selectedCandidatePairId ?? ''));
    const cand = (id: unknown) => {
      const c = byId.get(String(id ?? ''));
      return c ? { protocol: c.protocol as string, type: c.candidateType as string } : undefined;
    };
    out.push({
      state: pc.connectionState,
      local: cand(pair?.localCandidateId),
      remote: cand(pair?.remoteCandidateId),
    });
  }
  return out;
}
