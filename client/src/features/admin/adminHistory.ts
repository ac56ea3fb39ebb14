import type { AdminStatsSnapshot } from '@minimeet/shared';

export interface ChartPoint {
  /** ms since epoch */
  t: number;
  v: number;
}

export interface ChartSeries {
  id: string;
  label: string;
  points: ChartPoint[];
}

/** CPU over time: the server process first, then one series per worker pid ever seen. */
export function cpuSeries(history: AdminStatsSnapshot[]): ChartSeries[] {
  const server: ChartSeries = { id: 'server', label: 'Server', points: [] };
  const workers = new Map<number, ChartSeries>();
  for (const snap of history) {
    const t = Date.parse(snap.takenAt);
    server.points.push({ t, v: snap.server.cpuPercent });
    server.label = `Server (pid ${snap.server.pid})`;
    for (const w of snap.workers) {
      let s = workers.get(w.pid);
      if (!s) workers.set(w.pid, (s = { id: `worker-${w.pid}`, label: `Worker ${w.pid}`, points: [] }));
      if (w.alive) s.points.push({ t, v: w.cpuPercent });
    }
  }
  return [server, ...[...workers.values()].sort((a, b) => a.label.localeCompare(b.label))];
}

/**
 * Bitrate history of every producer and consumer id: one entry per snapshot, null where the
 * stream did not exist, so sparklines line up in time.
 */
export function streamBitrates(history: AdminStatsSnapshot[]): Map<string, Array<number | null>> {
  const out = new Map<string, Array<number | null>>();
  history.forEach((snap, i) => {
    for (const room of snap.rooms) {
      for (const peer of room.peers) {
        for (const s of [...peer.producers, ...peer.consumers]) {
          let list = out.get(s.id);
          if (!list) out.set(s.id, (list = new Array<number | null>(history.length).fill(null)));
          list[i] = s.bitrate;
        }
      }
    }
  });
  return out;
}
